/** One colour per panel position, used by both charts so a series and its panel are matched at a glance. */
const PANEL_COLORS = ['#ff8c26', '#59d9ff', '#b8f06a', '#ff6fb5', '#c9a2ff', '#ffe066'] as const;

export function panelColor(index: number): string {
  return PANEL_COLORS[index % PANEL_COLORS.length];
}
