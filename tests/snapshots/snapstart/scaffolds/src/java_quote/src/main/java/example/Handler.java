package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Scaffolded by sls-gen for function java-quote (blueprint.yaml). Yours to edit. */
public class Handler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        // API Gateway proxy event -> proxy response.
        Object body = event.get("body");
        String received = body == null ? "null" : "\"" + body.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return Map.of(
                "statusCode", 200,
                "headers", Map.of("content-type", "application/json"),
                "body", "{\"ok\":true,\"received\":" + received + "}");
    }
}
