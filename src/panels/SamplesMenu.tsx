import { FIT } from "../map/scale";
import { SAMPLES } from "../samples/samples";
import { useGuestmap } from "../store/store";
import { Menu, MenuItem } from "../ui/Menu";

export function SamplesMenu() {
  return (
    <Menu label="Samples">
      {SAMPLES.map((s) => (
        <MenuItem
          key={s.id}
          title={s.title}
          detail={s.story}
          onClick={() => {
            const st = useGuestmap.getState();
            st.dispatch({ type: "replaceLayout", layout: s.layout });
            st.selected(undefined);
            st.viewChanged(FIT);
          }}
        />
      ))}
    </Menu>
  );
}
