import type { FC } from 'hono/jsx';

/** A table's head: one column header per name, in order. */
export const ColumnHeads: FC<{ names: readonly string[] }> = ({ names }) => (
  <thead>
    <tr>
      {names.map((name) => (
        <th scope="col">{name}</th>
      ))}
    </tr>
  </thead>
);
