"""English review phrase banks (tourists and expats). Same structure as ``phrases_es``."""

from __future__ import annotations

OPENERS = {
    "pos": [
        "Great experience.",
        "Loved it.",
        "Really good place.",
        "Highly recommend.",
        "No complaints at all.",
        "Awesome spot.",
        "Best one in the area.",
        "Never disappoints.",
        "Absolutely lovely.",
        "Such a nice surprise.",
        "Really happy with this visit.",
        "Can't fault it.",
    ],
    "meh": [
        "It was ok.",
        "Meh.",
        "Nothing special.",
        "It's fine I guess.",
        "Average.",
        "So-so.",
        "Not bad, not great.",
        "Decent enough.",
        "Kind of mixed feelings.",
        "Does the job.",
        "Mediocre but fine.",
        "Just okay.",
    ],
    "neg": [
        "Terrible.",
        "Awful experience.",
        "Never again.",
        "Very disappointing.",
        "Do not go here.",
        "Worst visit ever.",
        "Not good at all.",
        "What a mess.",
        "Really bad.",
        "Horrible place.",
        "Total letdown.",
        "Avoid.",
    ],
}

CLOSERS = {
    "pos": [
        "Will be back.",
        "10/10.",
        "Thanks team!",
        "Totally worth it.",
        "Recommended to everyone.",
        "Keep it up.",
        "",
        "",
    ],
    "meh": [
        "Might come back, might not.",
        "Fine if you're nearby.",
        "Could be better.",
        "Not worth a detour.",
        "Hope they improve.",
        "",
        "",
    ],
    "neg": [
        "Won't be back.",
        "Save your time.",
        "Go somewhere else.",
        "Unacceptable.",
        "Somebody should do something.",
        "",
        "",
    ],
}

ASPECTS = {
    "espera": {
        "pos": [
            "No queue at all.",
            "S|Checkout was super quick.",
            "Served right away.",
            "Barely waited.",
            "Everything was fast.",
        ],
        "meh": [
            "Waited about {n} minutes, normal for the time.",
            "Some queue but it moved.",
            "The wait was average.",
        ],
        "neg": [
            "Waited {n} minutes to pay.",
            "The line was endless.",
            "S|Only one register open.",
            "R|We waited {n} minutes for our food.",
            "Took forever.",
        ],
    },
    "atencion": {
        "pos": [
            "Staff were super friendly.",
            "R|Our waiter was amazing.",
            "Very helpful people.",
            "Service was top notch.",
            "S|The cashier was lovely.",
        ],
        "meh": [
            "Service was fine, nothing more.",
            "Staff were okay.",
            "Service was average.",
        ],
        "neg": [
            "Nobody helps you.",
            "Rude staff.",
            "S|The cashier didn't even say hi.",
            "S|Two people for the whole store.",
            "R|The waiter forgot our order.",
        ],
    },
    "precio": {
        "pos": [
            "Fair prices.",
            "Great deals.",
            "Cheap for what you get.",
            "Good value for money.",
        ],
        "meh": [
            "Prices are the usual.",
            "Not cheap, not expensive.",
            "A bit pricey but ok.",
        ],
        "neg": [
            "Way overpriced.",
            "They overcharged me.",
            "Prices are a rip-off.",
            "S|Charged more than the shelf price.",
        ],
    },
    "limpieza": {
        "pos": ["Spotless place.", "Very clean.", "Clean bathrooms, appreciated."],
        "meh": ["Could be cleaner.", "Cleanliness was so-so.", "A bit messy."],
        "neg": [
            "Filthy bathrooms.",
            "Sticky dirty floors.",
            "R|Dirty tables.",
            "S|Trash in the aisles.",
            "It smelled awful.",
        ],
    },
    "producto": {
        "pos": [
            "{Item} was delicious.",
            "{Item} was super fresh.",
            "{Item} was great quality.",
            "S|Found everything I needed.",
        ],
        "meh": ["{Item} was okay.", "{Item} was fine, nothing special.", "{Item} was average."],
        "neg": [
            "{Item} was expired.",
            "{Item} was cold and bland.",
            "{Item} was spoiled.",
            "They were out of {item} again.",
        ],
    },
}

CONTRAST = {
    "neg": ["But", "Although", "Only thing:", "Downside:", "That said,"],
    "pos": ["At least", "On the plus side,", "Only good thing:", "To be fair,"],
}
SLANG = {
    "pos": ["awesome", "legit", "amazing", "love it", "lol so good"],
    "meh": ["meh", "whatever", "eh", "lol ok"],
    "neg": ["smh", "ugh", "wtf", "lol never again"],
}
ITEMS = {
    "store": [
        ("the bread", ""),
        ("the fruit", ""),
        ("the coffee", ""),
        ("the milk", ""),
        ("the cheese", ""),
        ("the chicken", ""),
        ("the empanada", ""),
    ],
    "restaurant": [
        ("the ceviche", ""),
        ("the lomo saltado", ""),
        ("the ají de gallina", ""),
        ("the chaufa", ""),
        ("the pisco sour", ""),
        ("the dessert", ""),
        ("the causa", ""),
    ],
}
