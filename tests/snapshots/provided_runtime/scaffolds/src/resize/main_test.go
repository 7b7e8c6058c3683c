package main

import (
	"context"
	"reflect"
	"testing"
)

func TestReportsOnlyFailedRecords(t *testing.T) {
	got, _ := handle(context.Background(), batch{Records: []record{
		{MessageID: "good", Body: `{"id": 1}`},
		{MessageID: "bad", Body: "not json"},
	}})
	want := []map[string]string{{"itemIdentifier": "bad"}}	if !reflect.DeepEqual(got["batchItemFailures"], want) {
		t.Fatalf("got %v, want %v", got["batchItemFailures"], want)
	}
}
