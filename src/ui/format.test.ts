import { describe, expect, it } from "vitest";
import { human } from "./format";

describe("human sizes", () => {
  it("exact when short, rounded when the exact form has many digits", () => {
    expect(human(40n)).toBe("40 bytes");
    expect(human(24n << 20n)).toBe("24 MiB");
    expect(human(0x1d8a200n)).toBe("29.5 MiB");
    expect(human(1064784n << 10n)).toBe("1.02 GiB");
    expect(human(26688n << 10n)).toBe("26.1 MiB");
    expect(human(1n << 64n)).toBe("16.0 EiB");
  });
});
