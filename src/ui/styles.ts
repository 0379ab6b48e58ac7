/** Styles every component shares: a visible keyboard focus and plain, compact form controls. */
import { css } from 'lit';

export const focusRing = css`
  :focus-visible {
    outline: 3px solid #ffb347;
    outline-offset: 2px;
  }
`;

export const controls = css`
  /* Labels and pickers may shrink and wrap, so a narrow panel (two per row on a phone) keeps its controls inside. */
  label {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.35em;
    font-size: 0.85rem;
    max-width: 100%;
    min-width: 0;
  }
  select {
    max-width: 100%;
    min-width: 0;
  }
  input,
  select,
  button {
    font: inherit;
    font-size: 0.85rem;
    color: inherit;
  }
  input[type='number'] {
    width: 5.5em;
  }
  select,
  input[type='number'],
  input[type='text'] {
    background: #1b1f36;
    border: 1px solid #3a4170;
    border-radius: 4px;
    padding: 0.2em 0.35em;
  }
  button {
    background: #2a3160;
    border: 1px solid #4a5396;
    border-radius: 4px;
    padding: 0.25em 0.6em;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: #37407a;
  }
  button:disabled,
  input:disabled,
  select:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .error {
    color: #ff8a8a;
    font-size: 0.8rem;
  }
  .hint {
    color: #a4abd0;
    font-size: 0.8rem;
  }
`;

export const controlGrid = css`
  .grid {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em 0.9em;
    align-items: center;
  }
`;

/** A calibration's table under its summary (AMED's steps, GITS's grid): right-aligned tabular numbers. */
export const calibrationTable = css`
  :host {
    display: block;
    font-size: 0.78rem;
    /* Unbroken numbers may be wider than a narrow panel: the table scrolls instead. */
    overflow-x: auto;
  }
  summary {
    cursor: pointer;
  }
  table {
    border-collapse: collapse;
    margin: 0.3rem 0;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 0.05rem 0.5rem;
    text-align: right;
    /* A number such as 3.85e-6 is one token: never broken across lines. */
    white-space: nowrap;
  }
  th {
    color: #a4abd0;
    font-weight: normal;
  }
`;
