/** Named layouts: rename this one, open another, start a new one (the others are kept). */
import { emptyLayout } from "@guestmap/core";
import { DEFAULT_SAMPLE } from "../samples/samples";
import { newLayout, openLayout } from "../store/persist";
import { useGuestmap } from "../store/store";
import { Menu, MenuItem } from "../ui/Menu";
import { TextInput } from "../ui/SizeInput";

export function LayoutsMenu() {
  const id = useGuestmap((s) => s.layoutId);
  const name = useGuestmap((s) => s.layoutName);
  const layouts = useGuestmap((s) => s.layouts);
  return (
    <Menu label={`Layout: ${name}`}>
      <div className="px-2 py-1">
        <TextInput
          label="Name of this layout"
          value={name}
          onCommit={(v) => useGuestmap.getState().renamed(v.trim() || "Untitled layout")}
        />
      </div>
      <MenuItem
        title="New layout"
        detail="Empty aarch64 virt machine; this one stays saved"
        onClick={() => void newLayout(emptyLayout("aarch64"), "Untitled layout")}
      />
      <MenuItem
        title="New from the Xen example"
        detail="The example's machine and blobs"
        onClick={() => void newLayout(DEFAULT_SAMPLE.layout, "Xen example")}
      />
      {layouts
        .filter((e) => e.id !== id)
        .map((e) => (
          <MenuItem key={e.id} title={`Open “${e.name}”`} onClick={() => void openLayout(e.id)} />
        ))}
    </Menu>
  );
}
