import type { HTMLAttributes, ReactNode } from 'react';

/**
 * A list of checkboxes choosing some of `items`; `onChange` gets the new choice. With a
 * `name`, each box also carries its item as its value, as a form would send it.
 */
export function CheckList<T extends string | number>({
  items,
  checked,
  onChange,
  name,
  label,
  ...list
}: {
  items: readonly T[];
  checked: readonly T[];
  onChange: (next: T[]) => void;
  name?: string;
  label: (item: T) => ReactNode;
} & Omit<HTMLAttributes<HTMLUListElement>, 'onChange'>) {
  return (
    <ul className="plain checklist" {...list}>
      {items.map((item) => (
        <li key={item}>
          <label className="inline-field">
            <input
              type="checkbox"
              name={name}
              value={name === undefined ? undefined : item}
              checked={checked.includes(item)}
              onChange={(e) => onChange(e.target.checked ? [...checked, item] : checked.filter((x) => x !== item))}
            />
            {label(item)}
          </label>
        </li>
      ))}
    </ul>
  );
}
