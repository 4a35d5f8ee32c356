/** Where a person types a call code: as they read it aloud, in groups, never autocorrected. */
export function CodeInput({ id, value, onInput, autoFocus = true }: { id: string; value: string; onInput: (value: string) => void; autoFocus?: boolean }) {
  return (
    <input
      id={id}
      value={value}
      onInput={(event) => onInput(event.currentTarget.value)}
      placeholder="XXXX-XXXX-XXXX"
      autocomplete="off"
      spellcheck={false}
      autoFocus={autoFocus}
    />
  );
}
