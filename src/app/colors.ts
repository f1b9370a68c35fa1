/** The view and the audiences' colours, shared by the stage, the panels, the legend and the exports. */
/** single; compare: audiences A and B side by side; difference: A − B; creatives: audience A on creative A and creative B */
export type ViewMode = 'single' | 'compare' | 'difference' | 'creatives';
/** audience A (also the accent colour of the app) */
export const COLOR_A = '#ff8a3d';
/** audience B */
export const COLOR_B = '#3db8ff';
