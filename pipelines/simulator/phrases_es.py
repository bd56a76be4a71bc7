"""Spanish (Peruvian) review phrase banks.

Placeholders: ``{item}`` a product or dish (``{Item}`` at the start of a sentence), ``{o}`` its
gender ending, ``{n}`` minutes. A sentence prefixed "R|" only fits restaurants, "S|" only shops.

Classes: pos (4-5 stars), meh (3 stars: lukewarm, mixed), neg (1-2 stars). Negations appear in
every class ("no estuvo mal", "no vuelvo", "nada que reclamar") so single words do not give the
label away.
"""

from __future__ import annotations

OPENERS = {
    "pos": [
        "Excelente experiencia.",
        "Me encantó.",
        "Todo muy bien.",
        "Qué buen sitio.",
        "Súper recomendado.",
        "Nada que reclamar.",
        "Bacán, volveré.",
        "Buenazo todo.",
        "Una maravilla, de verdad.",
        "Siempre cumplen y hoy no fue la excepción.",
        "De lo mejor del barrio.",
        "Chévere la experiencia.",
        "Mi sitio favorito.",
        "No me quejo para nada.",
        "Salí feliz.",
        "Paja el local.",
    ],
    "meh": [
        "Ni fu ni fa.",
        "Normal nomás.",
        "Regular.",
        "Ahí nomás.",
        "Más o menos.",
        "Cumple, sin más.",
        "Ni bueno ni malo.",
        "Pasable.",
        "Nada del otro mundo.",
        "Estuvo ok, nada especial.",
        "Una experiencia del montón.",
        "Ni frío ni caliente.",
        "No estuvo mal, pero tampoco para emocionarse.",
        "Lo justo y necesario.",
        "Tiene sus cosas buenas y sus cosas malas.",
        "Podría mejorar.",
    ],
    "neg": [
        "Pésimo.",
        "Qué decepción.",
        "Muy mala experiencia.",
        "No vuelvo más.",
        "Nunca más.",
        "Fatal.",
        "Una vergüenza.",
        "Asu, qué mal.",
        "Qué roche.",
        "No lo recomiendo.",
        "Horrible todo.",
        "Me fui indignado.",
        "Qué desastre de local.",
        "Nada recomendable.",
        "Peor imposible.",
        "Malísimo, de verdad.",
    ],
}

CLOSERS = {
    "pos": [
        "Volveré pronto.",
        "100% recomendado.",
        "Sigan así.",
        "Gracias al equipo.",
        "Ya es mi lugar de siempre.",
        "Lo recomiendo a todos.",
        "10/10.",
        "Vale cada sol.",
        "Felicitaciones.",
        "",
        "",
    ],
    "meh": [
        "Quizás vuelva, quizás no.",
        "Si estás cerca, pasa.",
        "No es para tanto.",
        "Ojalá mejoren.",
        "Cumple para salir del apuro.",
        "Le doy un aprobado raspando.",
        "Tampoco es que me haya molestado.",
        "Ahí vemos.",
        "",
        "",
    ],
    "neg": [
        "No vuelvo.",
        "No lo recomiendo.",
        "Perdí mi tiempo.",
        "Qué falta de respeto.",
        "Que alguien haga algo.",
        "Lamentable.",
        "Mejor vayan a otro lado.",
        "Ya puse mi reclamo en el libro.",
        "",
        "",
    ],
}

# aspect -> polarity -> sentences
ASPECTS = {
    "espera": {
        "pos": [
            "La cola avanzó rapidísimo.",
            "Me atendieron al toque.",
            "Cero colas.",
            "Ni cinco minutos esperé.",
            "Todo fue rápido.",
            "S|Las cajas abiertas y sin espera.",
        ],
        "meh": [
            "La espera fue normal, unos {n} minutos.",
            "Hubo algo de cola pero avanzó.",
            "Esperé un poco, lo normal a esa hora.",
            "La cola estaba regular.",
        ],
        "neg": [
            "Esperé {n} minutos para pagar.",
            "La cola era eterna.",
            "S|Una sola caja abierta y una cola enorme.",
            "Más de {n} minutos esperando.",
            "La espera fue interminable.",
            "R|Nos tuvieron {n} minutos esperando la comida.",
            "Demoraron demasiado.",
        ],
    },
    "atencion": {
        "pos": [
            "El personal súper amable.",
            "Me atendieron con mucha paciencia.",
            "S|La chica de caja fue un amor.",
            "Atención de primera.",
            "Muy atentos en todo momento.",
            "R|El mozo nos trató excelente.",
        ],
        "meh": [
            "La atención fue correcta, sin más.",
            "Te atienden, pero sin muchas ganas.",
            "El personal cumple.",
            "Atención normal.",
        ],
        "neg": [
            "Nadie te atiende.",
            "El personal de mala gana.",
            "S|La cajera ni saludó.",
            "Pésima atención, ni te miran.",
            "Había dos personas para todo el local.",
            "R|El mozo se olvidó de nuestro pedido.",
            "Te tratan como si molestaras.",
        ],
    },
    "precio": {
        "pos": [
            "Precios justos.",
            "Buenas ofertas.",
            "Barato para lo que ofrecen.",
            "Aproveché el descuento.",
            "Precio-calidad, muy bien.",
        ],
        "meh": [
            "Los precios son los de siempre.",
            "Ni caro ni barato.",
            "Precios normales.",
            "Un poco caro pero bueno.",
        ],
        "neg": [
            "Carísimo para lo que es.",
            "Te cobran de más.",
            "Los precios por las nubes.",
            "S|Cobraron diferente a lo que decía el precio.",
            "Una estafa los precios.",
        ],
    },
    "limpieza": {
        "pos": [
            "El local impecable.",
            "Todo limpiecito.",
            "Los baños limpios, se agradece.",
            "Muy ordenado y limpio.",
        ],
        "meh": [
            "La limpieza, regular.",
            "Podría estar más limpio.",
            "El local algo desordenado.",
        ],
        "neg": [
            "Los baños sucísimos.",
            "El piso pegajoso y sucio.",
            "R|Las mesas sucias.",
            "S|Había basura en los pasillos.",
            "Un olor horrible en el local.",
        ],
    },
    "producto": {
        "pos": [
            "{Item} riquísim{o}.",
            "{Item} fresquit{o}.",
            "{Item} de buena calidad.",
            "{Item} espectacular.",
            "S|Encontré todo lo que buscaba.",
        ],
        "meh": [
            "{Item} normal, nada especial.",
            "{Item} estaba bien, sin más.",
            "{Item} ok.",
            "S|Faltaban algunas cosas pero encontré {item}.",
        ],
        "neg": [
            "{Item} vencid{o}.",
            "{Item} frí{o} y sin sabor.",
            "{Item} malograd{o}.",
            "No había {item}, como siempre.",
            "{Item} de pésima calidad.",
        ],
    },
}

# Connectors that introduce a remark of the other polarity, keyed by the remark's polarity.
CONTRAST = {
    "neg": ["Pero", "Aunque", "Lo malo:", "Lo único:", "Eso sí,"],
    "pos": ["Lo bueno:", "Al menos", "Rescato que", "Eso sí,", "Igual"],
}
SLANG = {
    "pos": ["bacán", "chévere", "paja", "buenazo", "lo máximo", "de lujo", "causa, anímate"],
    "meh": ["ni fu ni fa", "ahí nomás", "normalito", "meh", "equis"],
    "neg": ["pésimo", "qué roche", "asu mare", "una estafa", "ni loco vuelvo"],
}
# (item, gender ending used by "{o}" in the sentences)
ITEMS = {
    "store": [
        ("el pan", "o"),
        ("la fruta", "a"),
        ("el café", "o"),
        ("la leche", "a"),
        ("la galleta", "a"),
        ("el pollo", "o"),
        ("el arroz", "o"),
        ("el panetón", "o"),
        ("la gaseosa", "a"),
        ("la verdura", "a"),
        ("el queso", "o"),
        ("la empanada", "a"),
    ],
    "restaurant": [
        ("el ceviche", "o"),
        ("el lomo saltado", "o"),
        ("el ají de gallina", "o"),
        ("el chaufa", "o"),
        ("la causa", "a"),
        ("el anticucho", "o"),
        ("el pisco sour", "o"),
        ("la chicha", "a"),
        ("la jalea", "a"),
        ("el postre", "o"),
        ("la mazamorra", "a"),
    ],
}
