/** One colour per panel position, used by both charts and each panel's stripe so a series and its panel are matched
 *  at a glance. None is the views' orange (samples) or cyan (denoised), so a stripe never reads as a dot colour. */
const PANEL_COLORS = ['#ff5d73', '#7a8cff', '#b8f06a', '#e07bff', '#ffe066', '#3ddc97'] as const;

export function panelColor(index: number): string {
  return PANEL_COLORS[index % PANEL_COLORS.length];
}
