package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unit test of the java-quote scaffold: runs the handler in-process with a sample event. */
class HandlerTest {
    @Test
    void returnsJsonResponse() {
        Map<String, Object> response = new Handler().handleRequest(Map.of("body", "hello"), null);
        assertEquals(200, response.get("statusCode"));
        assertEquals("{\"ok\":true,\"received\":\"hello\"}", response.get("body"));
    }
}
