// The maps (docs/maps.md): MapLibre GL, no tiles, only our own GeoJSON. The canvas is a
// supplement: every map sits beside a list or table of the same data that works without it.
//
// <div data-map data-map-mode="markers|choropleth" data-map-departements="URL"
//      data-map-communes="URL with {code}" data-map-list="ID" data-map-label="…">
//   <div class="tremplin-map__canvas" hidden></div></div>
// markers: the list's [data-map-item] carry data-lon, data-lat, data-name, data-url, data-place.
// choropleth: the table's [data-map-item] carry data-code; colours come from the json_script
// named by data-map-steps: [{"color": …, "low": number|null}, …] (low to high).
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";

const FRANCE = [[-5.3, 41.2], [9.7, 51.2]];
const LAND = "#eeeeee";
const BORDER = "#ffffff";
const UNKNOWN = "#dddddd";
const BLUE = "#000091";
const COMMUNES_ZOOM = 7;
const MAX_DEPARTEMENTS = 6;

function webglWorks() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

function hatch() {
  // Unknown values are hatched grey, never coloured as a value.
  const size = 8;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const line = (x + y) % size < 2;
      const offset = (y * size + x) * 4;
      const shade = line ? 120 : 221;
      data.set([shade, shade, shade, 255], offset);
    }
  }
  return { width: size, height: size, data };
}

function text(root, name, fallback) {
  return root.dataset[name] || fallback;
}

function formatValue(value, root) {
  if (value === null || value === undefined) return text(root, "mapUnknown", "inconnu");
  return Number(value).toLocaleString("fr-FR", { maximumFractionDigits: 2 });
}

function popupContent(name, url, detail, linkLabel) {
  const box = document.createElement("div");
  const title = document.createElement("p");
  title.className = "fr-text--bold fr-mb-1v";
  title.textContent = name;
  box.append(title);
  if (detail) {
    const line = document.createElement("p");
    line.className = "fr-text--sm fr-mb-1v";
    line.textContent = detail;
    box.append(line);
  }
  const link = document.createElement("a");
  link.href = url;
  link.className = "fr-link fr-text--sm";
  link.textContent = linkLabel;
  box.append(link);
  return box;
}

function baseStyle(root) {
  return {
    version: 8,
    sources: {
      departements: {
        type: "geojson",
        data: root.dataset.mapDepartements,
        promoteId: "code",
      },
    },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#f5f5fe" } },
      {
        id: "departements",
        type: "fill",
        source: "departements",
        paint: { "fill-color": LAND },
      },
      {
        id: "departements-border",
        type: "line",
        source: "departements",
        paint: { "line-color": BORDER, "line-width": 0.8 },
      },
    ],
  };
}

function createMap(root) {
  const canvas = root.querySelector(".tremplin-map__canvas");
  canvas.hidden = false;
  const label = text(root, "mapLabel", "Carte");
  const map = new maplibregl.Map({
    container: canvas,
    style: baseStyle(root),
    bounds: FRANCE,
    maxBounds: [[-25, 35], [25, 56]],
    attributionControl: { compact: false, customAttribution: text(root, "mapAttribution", "") },
    keyboard: true,
    cooperativeGestures: false,
    dragRotate: false,
    pitchWithRotate: false,
    locale: {
      "Map.Title": label,
      "NavigationControl.ZoomIn": text(root, "mapZoomIn", "Zoomer"),
      "NavigationControl.ZoomOut": text(root, "mapZoomOut", "Dézoomer"),
      "NavigationControl.ResetBearing": text(root, "mapReset", "Nord en haut"),
      "AttributionControl.ToggleAttribution": text(root, "mapAttributionToggle", "Sources"),
      "Popup.Close": text(root, "mapClose", "Fermer"),
    },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  root.classList.add("tremplin-map--ready");
  root.tremplinMap = map; // the browser tests read it
  return map;
}

// ---- markers: clustered points mirrored by the list ----------------------------------------

function markerItems(list) {
  return [...list.querySelectorAll("[data-map-item]")].filter(
    (item) => item.dataset.lon && item.dataset.lat,
  );
}

function markersGeoJSON(items) {
  return {
    type: "FeatureCollection",
    features: items.map((item, index) => ({
      type: "Feature",
      id: index,
      properties: { index },
      geometry: {
        type: "Point",
        coordinates: [Number(item.dataset.lon), Number(item.dataset.lat)],
      },
    })),
  };
}

function markerElement(kind, count) {
  const element = document.createElement("div");
  element.className = `tremplin-map__marker tremplin-map__marker--${kind}`;
  element.setAttribute("aria-hidden", "true");
  element.dataset.testid = kind === "cluster" ? "map-cluster" : "map-marker";
  if (kind === "cluster") element.textContent = String(count);
  return element;
}

function setUpMarkers(root, map, list) {
  const items = markerItems(list);
  const scope = root.closest("section") || document;
  const status = scope.querySelector("[data-map-status]");
  const onlyVisible = scope.querySelector("[data-map-only-visible]");
  const linkLabel = text(root, "mapOpen", "Ouvrir");
  let popup = null;
  let selected = null;

  function select(index, { fly }) {
    const item = items[index];
    if (!item) return;
    if (selected) selected.classList.remove("tremplin-map-list__item--selected");
    selected = item;
    item.classList.add("tremplin-map-list__item--selected");
    const where = [Number(item.dataset.lon), Number(item.dataset.lat)];
    if (popup) popup.remove();
    popup = new maplibregl.Popup({ offset: 16, maxWidth: "280px" })
      .setLngLat(where)
      .setDOMContent(
        popupContent(item.dataset.name, item.dataset.url, item.dataset.place, linkLabel),
      )
      .addTo(map);
    if (fly) map.flyTo({ center: where, zoom: Math.max(map.getZoom(), 10), essential: true });
  }

  // A button beside each item, added only when the map works: "show it on the map".
  for (const [index, item] of items.entries()) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-map-pin-2-line fr-btn--icon-left";
    button.textContent = text(root, "mapShow", "Voir sur la carte");
    button.setAttribute("aria-label", `${button.textContent} : ${item.dataset.name}`);
    button.dataset.testid = "map-show";
    button.addEventListener("click", () => {
      select(index, { fly: true });
      root.querySelector(".tremplin-map__canvas").scrollIntoView({ block: "nearest" });
    });
    item.append(" ", button);
  }

  function syncList() {
    const bounds = map.getBounds();
    let visible = 0;
    for (const item of items) {
      const inside = bounds.contains([Number(item.dataset.lon), Number(item.dataset.lat)]);
      visible += inside ? 1 : 0;
      item.classList.toggle("tremplin-map-list__item--outside", !inside);
      item.hidden = Boolean(onlyVisible && onlyVisible.checked && !inside);
    }
    if (status) {
      status.textContent = (text(root, "mapVisible", "{visible} sur {total} visibles sur la carte"))
        .replace("{visible}", visible)
        .replace("{total}", items.length);
    }
  }
  if (onlyVisible) {
    onlyVisible.closest("[data-map-controls]").hidden = false;
    onlyVisible.addEventListener("change", syncList);
  }

  const shown = new Map();
  function renderMarkers() {
    if (!map.getSource("items") || !map.isSourceLoaded("items")) return;
    const next = new Map();
    for (const feature of map.querySourceFeatures("items")) {
      const props = feature.properties;
      const key = props.cluster ? `c${props.cluster_id}` : `p${props.index}`;
      if (next.has(key)) continue;
      let marker = shown.get(key);
      if (!marker) {
        const element = markerElement(props.cluster ? "cluster" : "point", props.point_count);
        marker = new maplibregl.Marker({ element }).setLngLat(feature.geometry.coordinates);
        element.addEventListener("click", (event) => {
          event.stopPropagation();
          if (props.cluster) {
            map.getSource("items").getClusterExpansionZoom(props.cluster_id).then((zoom) => {
              map.easeTo({ center: feature.geometry.coordinates, zoom });
            });
          } else {
            select(props.index, { fly: false });
            items[props.index].scrollIntoView({ block: "nearest" });
          }
        });
        element.addEventListener("mouseenter", () => {
          if (!props.cluster) items[props.index].classList.add("tremplin-map-list__item--hover");
        });
        element.addEventListener("mouseleave", () => {
          if (!props.cluster) items[props.index].classList.remove("tremplin-map-list__item--hover");
        });
        marker.addTo(map);
        // MapLibre makes markers focusable; the list is the keyboard route, not the canvas.
        marker.getElement().removeAttribute("tabindex");
        marker.getElement().removeAttribute("role");
      }
      next.set(key, marker);
    }
    for (const [key, marker] of shown) if (!next.has(key)) marker.remove();
    shown.clear();
    for (const [key, marker] of next) shown.set(key, marker);
  }

  map.on("load", () => {
    map.setPaintProperty("departements-border", "line-color", "#c1c1c1");
    map.addSource("items", {
      type: "geojson",
      data: markersGeoJSON(items),
      cluster: true,
      clusterRadius: 44,
      clusterMaxZoom: 13,
    });
    // An invisible layer makes the source load; the markers themselves are HTML.
    map.addLayer({
      id: "items-anchor",
      type: "circle",
      source: "items",
      paint: { "circle-radius": 0, "circle-opacity": 0 },
    });
    if (items.length) {
      const bounds = new maplibregl.LngLatBounds();
      for (const item of items) bounds.extend([Number(item.dataset.lon), Number(item.dataset.lat)]);
      map.fitBounds(bounds, { padding: 48, maxZoom: 8, duration: 0 });
    }
    syncList();
    root.dataset.mapLoaded = "true";
  });
  map.on("render", renderMarkers);
  map.on("moveend", syncList);
}

// ---- choropleth: départements, then communes when zoomed ------------------------------------

function featureBounds(feature) {
  const bounds = new maplibregl.LngLatBounds();
  const walk = (coords) => {
    if (typeof coords[0] === "number") bounds.extend(coords);
    else coords.forEach(walk);
  };
  walk(feature.geometry.coordinates);
  return bounds;
}

function intersects(a, b) {
  return a.getWest() <= b.getEast() && b.getWest() <= a.getEast()
    && a.getSouth() <= b.getNorth() && b.getSouth() <= a.getNorth();
}

function colourExpression(steps) {
  const value = ["to-number", ["get", "value"]];
  const step = ["step", value, steps[0].color];
  let previous = -Infinity;
  for (const item of steps.slice(1)) {
    // Classes may share a bound when few values are known; a step needs rising bounds, and a
    // value on a shared bound takes the last of those classes, as the legend does (maps.py).
    if (item.low === null || item.low < previous) continue;
    if (item.low === previous) {
      step[step.length - 1] = item.color;
      continue;
    }
    step.push(item.low, item.color);
    previous = item.low;
  }
  if (step.length === 3) return ["case", ["==", ["get", "value"], null], UNKNOWN, steps[0].color];
  return ["case", ["==", ["get", "value"], null], UNKNOWN, step];
}

function setUpChoropleth(root, map, table) {
  const steps = JSON.parse(document.getElementById(root.dataset.mapSteps).textContent);
  const colour = steps.length ? colourExpression(steps) : LAND;
  const linkLabel = text(root, "mapOpen", "Ouvrir");
  const unit = text(root, "mapUnit", "");
  const loaded = new Set();
  const communes = { type: "FeatureCollection", features: [] };
  let popup = null;

  function show(feature, where) {
    if (popup) popup.remove();
    const props = feature.properties;
    const detail = props.value === null || props.value === undefined
      ? formatValue(null, root)
      : `${formatValue(props.value, root)} ${unit}`.trim();
    popup = new maplibregl.Popup({ maxWidth: "280px" })
      .setLngLat(where)
      .setDOMContent(popupContent(props.name, props.url, detail, linkLabel))
      .addTo(map);
  }

  // Each département's box, from the GeoJSON already loaded: which ones the view shows.
  let boxes = null;
  async function departementBoxes() {
    if (!boxes) {
      const data = await map.getSource("departements").getData();
      boxes = data.features.map((feature) => [feature.properties.code, featureBounds(feature)]);
    }
    return boxes;
  }

  async function loadCommunes() {
    if (map.getZoom() < COMMUNES_ZOOM || !root.dataset.mapCommunes) return;
    const view = map.getBounds();
    const codes = (await departementBoxes())
      .filter(([code, box]) => !loaded.has(code) && intersects(view, box))
      .map(([code]) => code)
      .slice(0, MAX_DEPARTEMENTS);
    for (const code of codes) {
      loaded.add(code);
      const response = await fetch(root.dataset.mapCommunes.replace("{code}", code));
      if (!response.ok) continue;
      const data = await response.json();
      communes.features.push(...data.features);
    }
    if (codes.length) {
      map.getSource("communes").setData(communes);
      root.dataset.mapCommunesLoaded = String(communes.features.length);
    }
  }

  map.on("load", () => {
    map.addImage("unknown-hatch", hatch());
    map.setPaintProperty("departements", "fill-color", colour);
    map.addLayer({
      id: "departements-unknown",
      type: "fill",
      source: "departements",
      filter: ["==", ["get", "value"], null],
      paint: { "fill-pattern": "unknown-hatch" },
    }, "departements-border");
    map.addSource("communes", { type: "geojson", data: communes, promoteId: "code" });
    map.addLayer({
      id: "communes",
      type: "fill",
      source: "communes",
      minzoom: COMMUNES_ZOOM,
      paint: { "fill-color": colour },
    }, "departements-border");
    map.addLayer({
      id: "communes-unknown",
      type: "fill",
      source: "communes",
      minzoom: COMMUNES_ZOOM,
      filter: ["==", ["get", "value"], null],
      paint: { "fill-pattern": "unknown-hatch" },
    }, "departements-border");
    map.addLayer({
      id: "communes-border",
      type: "line",
      source: "communes",
      minzoom: COMMUNES_ZOOM,
      paint: { "line-color": BORDER, "line-width": 0.4 },
    }, "departements-border");
    map.setPaintProperty("departements-border", "line-width", 1.2);
    root.dataset.mapLoaded = "true";
  });
  map.on("moveend", loadCommunes);
  for (const layer of ["departements", "communes"]) {
    map.on("click", layer, (event) => {
      const features = map.queryRenderedFeatures(event.point, { layers: ["communes"] });
      const feature = features[0] || event.features[0];
      show(feature, event.lngLat);
    });
    map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
  }

  // Each row of the table can fly the map to its département.
  for (const row of table.querySelectorAll("[data-map-item]")) {
    const cell = row.querySelector("[data-map-actions]");
    if (!cell) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "fr-btn fr-btn--tertiary-no-outline fr-btn--sm";
    button.textContent = text(root, "mapShow", "Voir sur la carte");
    button.setAttribute("aria-label", `${button.textContent} : ${row.dataset.name}`);
    button.dataset.testid = "map-show";
    button.addEventListener("click", () => {
      const source = map.getSource("departements");
      source.getData().then((data) => {
        const feature = data.features.find((f) => f.properties.code === row.dataset.code);
        if (!feature) return;
        const bounds = featureBounds(feature);
        map.fitBounds(bounds, { padding: 24 });
        map.once("moveend", () => show(feature, bounds.getCenter()));
        root.querySelector(".tremplin-map__canvas").scrollIntoView({ block: "nearest" });
      });
    });
    cell.append(button);
  }
}

const running = new Set();

function start() {
  // A map whose results htmx replaced lets its WebGL context go.
  for (const root of running) {
    if (!root.isConnected) {
      root.tremplinMap.remove();
      running.delete(root);
    }
  }
  for (const root of document.querySelectorAll("[data-map]:not([data-map-started])")) {
    root.dataset.mapStarted = "true";
    const list = document.getElementById(root.dataset.mapList);
    if (!list || !webglWorks()) continue; // the list alone is the map's equivalent
    let map;
    try {
      map = createMap(root);
    } catch {
      root.querySelector(".tremplin-map__canvas").hidden = true;
      continue;
    }
    running.add(root);
    if (root.dataset.mapMode === "choropleth") setUpChoropleth(root, map, list);
    else setUpMarkers(root, map, list);
  }
}

start();
// Search results are swapped in by htmx: a new map starts with them.
document.body.addEventListener("htmx:afterSettle", start);
