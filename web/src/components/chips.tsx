/** Active cross-filters as removable chips. */
export interface ChipSpec {
  readonly label: string;
  readonly onRemove: () => void;
}

export function Chips({ chips }: { readonly chips: readonly ChipSpec[] }): React.JSX.Element | null {
  if (!chips.length) return null;
  return (
    <div className="toolbar" aria-label="Active cross-filters" role="group">
      {chips.map((chip) => (
        <span className="chip" key={chip.label} data-testid="chip">
          {chip.label}
          <button type="button" onClick={chip.onRemove} aria-label={`Remove filter ${chip.label}`}>
            ×
          </button>
        </span>
      ))}
    </div>
  );
}
