package report

import _ "embed"

// SchemaJSON is the JSON Schema (draft 2020-12) of the envelope, for
// consumers and for the tests that validate real output against it.
//
//go:embed schema.json
var SchemaJSON []byte
