/**
 * The core's rules and the operations built on them (Auto-pack, Fix all, an arch switch): about a
 * third of the app's own code, loaded once the map has been drawn from `placements()` alone
 * (lazy/after-map.ts `loadRules`). Import it only through that loader.
 */
export {
  changeArch,
  checkPlacementWithoutFixes,
  fixAll,
  pack,
  withQuickFixesOf,
} from "@guestmap/core";
