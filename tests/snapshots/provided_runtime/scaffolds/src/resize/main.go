// Scaffolded by sls-gen for function resize (blueprint.yaml). Yours to edit.
// Built as `bootstrap` for the provided.al2023 runtime: see the Makefile.
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

var logger = slog.New(slog.NewJSONHandler(os.Stdout, nil))

type record struct {
	MessageID string `json:"messageId"`
	Body      string `json:"body"`
}

type batch struct {
	Records []record `json:"Records"`
}

// handle processes an SQS batch and reports only the failed records, so the rest are not retried.
func handle(ctx context.Context, event batch) (map[string]any, error) {
	failures := []map[string]string{}
	for _, r := range event.Records {
		var payload map[string]any
		if err := json.Unmarshal([]byte(r.Body), &payload); err != nil {
			logger.ErrorContext(ctx, "record failed", "messageId", r.MessageID, "error", err)
			failures = append(failures, map[string]string{"itemIdentifier": r.MessageID})
		}
	}
	return map[string]any{"batchItemFailures": failures}, nil
}

func main() {
	lambda.Start(handle)
}
