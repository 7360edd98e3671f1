// The OpenAPI document (gateway/api/openapi.json, served at GET /v1/openapi.json) checked by an
// independent validator from the npm registry: @seriousme/openapi-schema-validator validates it
// against the OpenAPI Initiative's own 3.1 JSON Schema and resolves every $ref. The C++ side
// (tests/integration/public_pages_test.cpp) checks that it matches the router and the problem codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const file = new URL("../../gateway/api/openapi.json", import.meta.url);
const doc = JSON.parse(readFileSync(file, "utf8"));

async function check(spec) {
  const v = new Validator();
  const r = await v.validate(structuredClone(spec));
  if (!r.valid) return { valid: false, why: JSON.stringify(r.errors).slice(0, 2000) };
  try {
    v.resolveRefs();
  } catch (e) {
    return { valid: false, why: String(e) };
  }
  return { valid: true };
}

test("the gateway's OpenAPI document is valid OpenAPI 3.1 and every $ref resolves", async () => {
  assert.equal(doc.openapi, "3.1.0");
  const r = await check(doc);
  assert.ok(r.valid, r.why);
});

test("the validator is not a rubber stamp: a broken copy is refused", async () => {
  const badStatus = structuredClone(doc);
  badStatus.paths["/healthz"].get.responses = { "2OO": { description: "a status that is no status" } };
  assert.equal((await check(badStatus)).valid, false, "a response keyed by something other than a status");
  const noDescription = structuredClone(doc);
  delete noDescription.paths["/readyz"].get.responses["200"].description;
  assert.equal((await check(noDescription)).valid, false, "a response without its required description");
  const dangling = structuredClone(doc);
  dangling.paths["/v1/consents"].post.requestBody.content["application/json"].schema = { $ref: "#/components/schemas/Nope" };
  assert.equal((await check(dangling)).valid, false, "a $ref to nothing");
  const swagger2 = structuredClone(doc);
  swagger2.paths["/v1/scans"].get.parameters[0].in = "body";
  assert.equal((await check(swagger2)).valid, false, "a Swagger 2 body parameter");
});
