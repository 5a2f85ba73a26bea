// Hash routes (`#/users/e1001`): the server serves one page, the address names the screen.

export interface Route {
  screen: string;
  param?: string;
}

function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '');
  return { screen: parts[0] ?? 'dashboard', param: parts[1] === undefined ? undefined : decodeURIComponent(parts[1]) };
}

export const route = $state<Route>(parse(typeof location === 'undefined' ? '' : location.hash));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => Object.assign(route, { param: undefined }, parse(location.hash)));
}

export function href(screen: string, param?: string): string {
  return param === undefined ? `#/${screen}` : `#/${screen}/${encodeURIComponent(param)}`;
}

export function go(screen: string, param?: string): void {
  location.hash = href(screen, param);
}
