"""The bucket family: s3 buckets; the `bucket` event (notifications) and use."""
