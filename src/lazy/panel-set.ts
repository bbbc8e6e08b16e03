/** The panels of lazy/panels.tsx, one chunk. */
export { AutoPack } from "../panels/AutoPack";
export { CommandLine } from "../panels/CommandLine";
export { Diagnostics } from "../panels/Diagnostics";
export { Inspector } from "../panels/Inspector";
export { LayoutsMenu } from "../panels/LayoutsMenu";
export { HelpPopover } from "../panels/Legend";
export { MachinePanel } from "../panels/MachinePanel";
export { RegionTable } from "../panels/RegionTable";
export { SamplesMenu } from "../panels/SamplesMenu";
export { UntrustedArgs } from "../panels/UntrustedArgs";
