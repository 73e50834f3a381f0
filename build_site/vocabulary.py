"""The built-in search vocabulary: photo concepts the browser can turn typed words into.

Base concepts by theme, plus the combinations people type ("red car", "dog on
the beach", "city at night"). Each is embedded with the model's text tower at
build time; the browser composes queries from these vectors.
"""

from __future__ import annotations

from itertools import product

THEMES: dict[str, str] = {
    "animals": """dog puppy cat kitten horse pony cow calf pig sheep lamb goat donkey chicken
        rooster duck goose swan turkey pigeon parrot owl eagle hawk falcon vulture seagull
        pelican flamingo penguin ostrich peacock hummingbird robin sparrow crow raven
        woodpecker kingfisher heron stork crane bat squirrel chipmunk rabbit hare hedgehog
        mouse rat hamster guinea_pig ferret otter beaver raccoon fox wolf coyote bear
        polar_bear panda koala kangaroo wallaby deer elk moose reindeer antelope gazelle
        giraffe zebra elephant rhinoceros hippopotamus camel llama alpaca bison buffalo
        lion tiger leopard cheetah jaguar lynx monkey gorilla chimpanzee orangutan lemur
        sloth armadillo meerkat hyena seal sea_lion walrus dolphin whale orca shark
        stingray jellyfish octopus squid crab lobster shrimp starfish sea_turtle turtle
        tortoise frog toad lizard gecko iguana chameleon snake crocodile alligator fish
        goldfish koi salmon trout butterfly moth bee wasp ant beetle ladybug dragonfly
        grasshopper spider scorpion snail slug worm""",
    "dog breeds": """poodle labrador golden_retriever german_shepherd bulldog french_bulldog
        beagle dachshund chihuahua pug husky corgi border_collie shih_tzu yorkshire_terrier
        boxer rottweiler great_dane dalmatian greyhound doberman schnauzer shiba_inu
        akita pomeranian maltese bernese_mountain_dog saint_bernard newfoundland
        afghan_hound basset_hound bloodhound cocker_spaniel whippet""",
    "people": """person man woman child children baby toddler boy girl teenager family
        couple friends crowd bride groom grandmother grandfather mother father siblings
        twins portrait selfie group_photo face smile laughter tears hands feet eyes hair
        beard tattoo athlete dancer musician singer chef doctor nurse teacher student
        soldier police_officer firefighter farmer worker tourist hiker cyclist runner
        swimmer surfer skier skateboarder climber fisherman photographer painter""",
    "food": """food meal breakfast lunch dinner brunch pizza pasta spaghetti burger
        sandwich hot_dog fries salad soup stew curry rice noodles ramen sushi sashimi
        dumplings tacos burrito nachos steak chicken_wings roast_chicken barbecue grill
        sausage bacon eggs omelette pancakes waffles toast bread baguette croissant
        bagel cheese butter yogurt cereal fruit apple banana orange lemon lime grapes
        strawberries blueberries raspberries cherries watermelon melon pineapple mango
        peach pear plum kiwi coconut avocado tomato potato carrot broccoli cauliflower
        lettuce cucumber pepper chili onion garlic mushrooms corn beans peas pumpkin
        cake birthday_cake cupcake cookies chocolate ice_cream donut pie tart cheesecake
        pudding candy popcorn coffee espresso cappuccino latte tea beer wine champagne
        cocktail whiskey juice smoothie milk water lemonade dessert snack picnic""",
    "objects": """car truck bus van motorcycle bicycle scooter train tram subway airplane
        helicopter boat sailboat yacht ship ferry canoe kayak tractor taxi ambulance
        fire_truck police_car camper_van skateboard surfboard skis snowboard tent
        backpack suitcase umbrella hat cap sunglasses glasses watch ring necklace
        earrings handbag wallet shoes sneakers boots dress shirt t-shirt jacket coat
        sweater jeans skirt suit tie scarf gloves uniform costume mask phone smartphone
        laptop computer keyboard monitor tablet camera lens tripod television radio
        headphones microphone guitar piano violin drums trumpet saxophone book books
        newspaper magazine letter envelope pen pencil notebook map globe clock lamp
        candle chair sofa couch bed table desk shelf bookshelf window door stairs
        mirror painting poster sculpture statue vase flowers bouquet plant cactus
        toy teddy_bear doll lego ball football basketball tennis_racket golf_club
        kite balloon balloons gift present christmas_tree fireworks flag sign
        street_sign traffic_light bench fountain bridge tower lighthouse windmill
        ferris_wheel carousel roller_coaster tractor bottle glass cup mug plate bowl
        knife fork spoon chopsticks pot pan oven fridge sink bathtub toilet towel""",
    "places": """beach coast shore ocean sea lake river waterfall pond stream island bay
        harbor port pier dock marina cliff cave canyon valley mountain mountains hill
        volcano glacier iceberg desert dunes oasis forest woods jungle rainforest
        meadow field farm vineyard orchard garden park playground zoo aquarium museum
        gallery library school university classroom office factory warehouse hospital
        church cathedral temple mosque synagogue shrine castle palace ruins monument
        city town village street alley road highway bridge tunnel railway station
        airport runway parking_lot gas_station market supermarket shop mall restaurant
        cafe bar pub nightclub kitchen living_room bedroom bathroom dining_room attic
        basement garage balcony terrace rooftop backyard porch pool swimming_pool
        stadium arena concert_hall theater cinema gym skatepark ski_resort campsite
        cabin hut tent_camp lighthouse skyscraper skyline downtown suburb countryside
        savanna tundra prairie swamp marsh reef underwater space moon stars planet""",
    "landmarks": """eiffel_tower mount_fuji statue_of_liberty big_ben golden_gate_bridge
        colosseum great_wall_of_china taj_mahal pyramids sydney_opera_house times_square
        grand_canyon niagara_falls machu_picchu stonehenge leaning_tower_of_pisa
        sagrada_familia brandenburg_gate acropolis christ_the_redeemer burj_khalifa
        tower_bridge london_eye empire_state_building central_park venice_canals
        santorini matterhorn northern_lights""",
    "activities": """swimming surfing diving snorkeling sailing kayaking rowing fishing
        hiking climbing camping skiing snowboarding skating ice_skating cycling running
        jogging walking dancing singing playing_guitar playing_piano reading writing
        painting drawing cooking baking eating drinking sleeping working studying
        shopping traveling driving flying playing soccer basketball_game tennis golf
        baseball volleyball boxing yoga meditation gardening picnicking barbecuing
        celebrating partying toasting hugging kissing laughing crying waving jumping
        sitting standing lying_down graduation wedding birthday_party concert festival
        parade protest conference meeting game_night christmas halloween easter
        thanksgiving new_year fireworks_show road_trip vacation holiday""",
    "colours": """red orange yellow green blue purple pink brown black white grey gray
        teal turquoise gold silver beige navy cyan magenta violet maroon olive coral
        pastel neon colorful monochrome""",
    "weather": """sunny cloudy overcast rainy rain storm thunderstorm lightning snow
        snowy snowfall fog foggy mist misty hail windy rainbow frost icy heat_wave
        clear_sky blue_sky dramatic_sky clouds""",
    "times": """sunrise sunset dawn dusk twilight golden_hour blue_hour morning noon
        afternoon evening night midnight daytime nighttime spring summer autumn fall
        winter""",
    "emotions": """happy happiness joy joyful sad sadness angry anger surprised surprise
        scared fear calm peaceful excited excitement bored tired love romantic lonely
        proud confident shy funny silly serious thoughtful nostalgic cozy playful""",
    "styles": """bokeh long_exposure motion_blur light_trails star_trails silhouette
        backlight high_key low_key black_and_white sepia vintage retro film_grain
        double_exposure panorama wide_angle fisheye macro close-up telephoto aerial_view
        drone_shot bird's-eye_view top_down flat_lay tilt-shift minimalism symmetry
        reflection shadow shadows lens_flare hdr overexposed underexposed blurry
        out_of_focus sharp shallow_depth_of_field bokeh_lights street_photography
        landscape_photography portrait_photography food_photography product_photo
        studio_lighting night_photography astrophotography infrared polaroid
        instagram_filter cinematic moody dreamy vibrant muted_colors high_contrast
        long_shadows golden_light soft_light harsh_light neon_lights fairy_lights""",
    "digital": """meme screenshot document receipt invoice text handwriting whiteboard
        slide presentation chart graph diagram spreadsheet map_screenshot chat_message
        text_message tweet social_media_post website app_screen error_message code
        qr_code barcode ticket boarding_pass passport id_card business_card menu
        recipe note sticky_note calendar certificate form contract drawing sketch
        cartoon comic anime illustration clip_art logo icon emoji wallpaper
        infographic poster_design flyer book_cover album_cover video_game
        reaction_image funny_meme cat_meme dog_meme""",
}

SCENE_OBJECTS = """dog cat child family car bicycle boat house tree flowers person couple
    horse bird beach city mountain street building bridge lake forest garden""".split()
COLOUR_OBJECTS = """car dress shirt flowers door house bicycle umbrella balloon sky wall
    boat hat shoes bag sofa apple rose tulip truck bus sweater jacket cup""".split()
SETTINGS = """on the beach, in the snow, in the rain, at night, at sunset, in the park,
    in the city, in the forest, on a mountain, by the lake, in the garden, in the street,
    at the airport, on a boat, in the kitchen, at a party, at a wedding, in the water,
    on the grass""".split(",")
CONDITIONS = """at sunset, at sunrise, at night, in the fog, in the snow, in the rain,
    in autumn, in winter, in spring, in summer, under a blue sky, under dramatic clouds,
    at golden hour, in black and white""".split(",")
SUBJECTS = "man woman child children family couple friends baby dog cat".split()
TIMES = "at sunrise, at sunset, at night, at dusk, in the morning, in winter".split(",")


def _words(theme: str) -> list[str]:
    return [word.replace("_", " ") for word in THEMES[theme].split()]


def concepts() -> list[str]:
    """The built-in concepts, without duplicates, in a stable order."""
    found: dict[str, None] = dict.fromkeys(w for theme in THEMES for w in _words(theme))

    def add(template: str, *lists: list[str]) -> None:
        for parts in product(*lists):
            found[template.format(*(p.strip() for p in parts))] = None

    add("{} {}", _words("colours"), COLOUR_OBJECTS)
    add("{} {}", SCENE_OBJECTS, SETTINGS)
    add("{} {}", _words("places"), TIMES)
    add("{} {}", _words("landmarks"), ["at night", "at sunset", "in the snow"])
    add("{} {}", SUBJECTS, [w for w in _words("activities") if w.endswith("ing")])
    dishes = _words("food")
    add("a plate of {}", dishes[: dishes.index("coffee")])
    add(
        "{} {}",
        ["sunny", "cloudy", "rainy", "snowy", "foggy", "misty", "windy", "icy"],
        _words("places"),
    )
    add("{} puppy", _words("dog breeds"))
    add("a {} {}", _words("animals"), ["sleeping", "running", "in the grass"])
    add("{} {}", ["beach", "city", "forest", "lake", "mountain", "street", "field"], CONDITIONS)
    return list(found)


def prompt(concept: str) -> str:
    """The text embedded for a concept: CLIP-style models match photos best to captions."""
    return f"a photo of {concept}"
