/** The lanes for the map's current height, from MemoryMap to every layer drawn in it. */
import { createContext, useContext } from "react";
import { LANES, type Lanes } from "./geometry";

export const LanesContext = createContext<Lanes>(LANES);

export function useLanes(): Lanes {
  return useContext(LanesContext);
}
