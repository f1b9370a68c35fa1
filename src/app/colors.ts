/** The view and the audiences' colours, shared by the stage, the panels, the legend and the exports. */
export type ViewMode = 'single' | 'compare' | 'difference';
/** audience A (also the accent colour of the app) */
export const COLOR_A = '#ff8a3d';
/** audience B */
export const COLOR_B = '#3db8ff';
