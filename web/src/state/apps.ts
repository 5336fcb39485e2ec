// The apps Platte serves, and the one the instance, activity and event views follow (Flatcar's
// when it is there, else the first). Chosen in the header; kept in the address as ?app=.
import { computed, signal } from '@preact/signals';
import { request } from '../api/client.ts';
import type { App } from '../api/types.ts';

const FLATCAR = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';

export const apps = signal<App[] | undefined>(undefined);
export const chosenApp = signal<string | null>(null);

export const currentApp = computed(() => {
  const list = apps.value ?? [];
  const chosen = chosenApp.value;
  if (chosen && list.some((a) => a.id === chosen)) return chosen;
  return (list.find((a) => a.id === FLATCAR) ?? list[0])?.id ?? null;
});

export async function loadApps(): Promise<void> {
  const { apps: list } = await request<{ apps: App[] }>('/apps');
  apps.value = list;
}

export const appName = (id: string) => apps.value?.find((a) => a.id === id)?.name ?? id;
