/** maplibre-gl 6 has only named exports; this gathers them as one namespace object. */
import * as maplibregl from 'maplibre-gl';
export default maplibregl;
