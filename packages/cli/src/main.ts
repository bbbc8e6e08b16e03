import { VERSION } from "@guestmap/core";

console.log(VERSION);
