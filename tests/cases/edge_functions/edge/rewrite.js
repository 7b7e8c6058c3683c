// Serve /articles/ as /articles/index: a CloudFront Function (cloudfront-js-2.0) on viewer requests.
function handler(event) {
  var request = event.request;
  if (request.uri.endsWith('/')) {
    request.uri += 'index';
  }
  return request;
}
