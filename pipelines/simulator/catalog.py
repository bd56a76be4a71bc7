"""Products sold, by format and category, with list prices and unit costs in soles (PEN)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# category -> [(product, list price PEN)]; names keep their accents and eñes on purpose:
# downstream code must handle UTF-8, and the defect injector turns some of them into mojibake.
STORE_CATALOG: dict[str, list[tuple[str, float]]] = {
    "abarrotes": [
        ("Arroz Costeño 5kg", 21.90),
        ("Azúcar rubia 1kg", 4.20),
        ("Aceite Primor 1L", 10.50),
        ("Fideos Don Vittorio 500g", 3.60),
        ("Atún Florida 170g", 6.40),
        ("Leche Gloria 400g", 4.30),
        ("Quinua 500g", 8.90),
        ("Cañihua 250g", 7.50),
        ("Menestras pallar 500g", 6.80),
        ("Café Altomayo 200g", 14.90),
    ],
    "bebidas": [
        ("Inca Kola 1.5L", 6.50),
        ("Coca-Cola 500ml", 3.20),
        ("Agua San Luis 625ml", 1.80),
        ("Chicha morada 1L", 5.90),
        ("Cerveza Pilsen 650ml", 6.90),
        ("Jugo de piña 1L", 5.40),
        ("Guaraná 500ml", 2.80),
        ("Pisco Quebranta 700ml", 39.90),
    ],
    "snacks": [
        ("Papas Lay's 150g", 6.90),
        ("Chifles piuranos 100g", 4.50),
        ("Galletas Casino", 1.20),
        ("Sublime chocolate", 1.50),
        ("Cancha serrana 200g", 3.80),
        ("Maní salado 100g", 3.20),
        ("Turrón de Doña Pepa", 12.90),
    ],
    "limpieza": [
        ("Detergente Bolívar 2kg", 24.90),
        ("Lejía Clorox 1L", 4.90),
        ("Papel higiénico Elite x4", 7.20),
        ("Lavavajilla Ayudín 900g", 9.80),
        ("Esponja Scotch-Brite", 2.90),
    ],
    "cuidado_personal": [
        ("Shampoo Sedal 340ml", 13.90),
        ("Jabón Protex x3", 9.50),
        ("Pasta dental Colgate 90g", 6.20),
        ("Desodorante Rexona", 11.90),
        ("Pañales Huggies M x30", 42.90),
        ("Bloqueador solar 120ml", 34.90),
    ],
    "panaderia": [
        ("Pan francés x6", 2.40),
        ("Pan de yema x6", 3.00),
        ("Empanada de carne", 5.50),
        ("Alfajor de manjar", 3.50),
        ("Keke de plátano", 9.90),
        ("Panetón D'Onofrio 900g", 32.90),
    ],
}

RESTAURANT_CATALOG: dict[str, list[tuple[str, float]]] = {
    "platos": [
        ("Ceviche clásico", 38.00),
        ("Lomo saltado", 42.00),
        ("Ají de gallina", 32.00),
        ("Arroz chaufa", 29.00),
        ("Causa limeña", 24.00),
        ("Anticuchos", 28.00),
        ("Tacu tacu con lomo", 44.00),
        ("Ají de gallina con piña", 34.00),
        ("Jalea mixta", 46.00),
        ("Rocoto relleno", 33.00),
    ],
    "bebidas": [
        ("Chicha morada jarra", 16.00),
        ("Pisco sour", 22.00),
        ("Inca Kola personal", 6.00),
        ("Limonada frozen", 12.00),
        ("Cerveza Cusqueña", 12.00),
        ("Café pasado", 7.00),
        ("Jugo de piña", 10.00),
    ],
    "postres": [
        ("Suspiro a la limeña", 14.00),
        ("Picarones", 15.00),
        ("Mazamorra morada", 10.00),
        ("Arroz con leche", 10.00),
        ("Crema volteada", 12.00),
    ],
}

# How often a line falls in each category when nothing is on promotion.
STORE_CATEGORY_WEIGHTS = {
    "abarrotes": 0.28,
    "bebidas": 0.24,
    "snacks": 0.17,
    "limpieza": 0.09,
    "cuidado_personal": 0.08,
    "panaderia": 0.14,
}
RESTAURANT_CATEGORY_WEIGHTS = {"platos": 0.50, "bebidas": 0.38, "postres": 0.12}

# Gross margin at list price by category (1 - unit cost / list price), roughly a Peruvian
# retailer's: staples are thin, bakery and personal care are fat, a restaurant's drinks fatter
# than its dishes. A discount deeper than the margin sells every unit at a loss.
STORE_CATEGORY_MARGINS = {
    "abarrotes": 0.16,
    "bebidas": 0.26,
    "snacks": 0.34,
    "limpieza": 0.24,
    "cuidado_personal": 0.36,
    "panaderia": 0.52,
}
RESTAURANT_CATEGORY_MARGINS = {"platos": 0.62, "bebidas": 0.74, "postres": 0.68}
# Products of one category differ a little around its margin (fixed, not seeded per run: the
# catalogue's costs are the same in every simulation).
PRODUCT_MARGIN_SPREAD = 0.04


@dataclass(frozen=True)
class Catalog:
    """One format family's products as parallel arrays (fast to index from numpy)."""

    categories: tuple[str, ...]
    category_weights: np.ndarray  # per category
    product_names: np.ndarray  # object array of str, per product
    product_category: np.ndarray  # category index per product
    list_price: np.ndarray  # PEN per product
    unit_cost: np.ndarray  # PEN per product at the price reference (what the chain pays)

    def category_index(self, name: str) -> int:
        return self.categories.index(name)


def _build(
    items: dict[str, list[tuple[str, float]]],
    weights: dict[str, float],
    margins: dict[str, float],
    seed: int,
) -> Catalog:
    categories = tuple(items)
    names, cats, prices = [], [], []
    for index, category in enumerate(categories):
        for product, price in items[category]:
            names.append(product)
            cats.append(index)
            prices.append(price)
    category_margin = np.array([margins[c] for c in categories])[np.array(cats)]
    spread = np.random.default_rng(seed).uniform(-1, 1, len(names)) * PRODUCT_MARGIN_SPREAD
    return Catalog(
        categories=categories,
        category_weights=np.array([weights[c] for c in categories]),
        product_names=np.array(names, dtype=object),
        product_category=np.array(cats),
        list_price=np.array(prices),
        unit_cost=np.array(prices) * (1 - category_margin - spread),
    )


STORE_PRODUCTS = _build(STORE_CATALOG, STORE_CATEGORY_WEIGHTS, STORE_CATEGORY_MARGINS, 101)
RESTAURANT_PRODUCTS = _build(
    RESTAURANT_CATALOG, RESTAURANT_CATEGORY_WEIGHTS, RESTAURANT_CATEGORY_MARGINS, 102
)


def catalog_for(format_name: str) -> Catalog:
    return RESTAURANT_PRODUCTS if format_name == "restaurant" else STORE_PRODUCTS
