// A titled panel holding one table: the heading names the region, the columns head the table,
// the rows come as children. The history tables of the rollout, reboot-group and instance pages.
import type { ComponentChildren } from 'preact';

export function TablePanel({ id, title, columns, children }: { id: string; title: string; columns: readonly string[]; children: ComponentChildren }) {
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
    </section>
  );
}
