import { describe, expect, it } from "vitest";
import { parseCompanionUrl } from "./companion";

describe("parseCompanionUrl", () => {
  it("takes the URL guestmap serve prints", () => {
    expect(parseCompanionUrl(" http://127.0.0.1:8321/?token=abc_-1 ")).toEqual({
      base: "http://127.0.0.1:8321",
      token: "abc_-1",
    });
    expect(parseCompanionUrl("http://localhost:9/?token=t")).toEqual({
      base: "http://localhost:9",
      token: "t",
    });
  });
  it.each([
    ["127.0.0.1:8321", /paste the whole URL/],
    ["http://example.com:8321/?token=x", /on this machine only/],
    ["https://127.0.0.1:8321/?token=x", /on this machine only/],
    ["http://127.0.0.1:8321/", /no \?token=/],
  ])("refuses %s", (text, message) => {
    const r = parseCompanionUrl(text);
    expect("error" in r && r.error).toMatch(message);
  });
});
