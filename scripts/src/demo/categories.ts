/**
 * The demo shop's assortment: twelve categories with their own price ranges,
 * brands, product names and (for some) a yearly season — the garden sells in
 * spring, winter essentials in January, toys before Christmas.
 */
export interface CategorySpec {
  name: string;
  prefix: string;
  priceRange: [number, number];
  /** Yearly seasonality: demand × (1 + amplitude × cos(2π (dayOfYear − peak) / 365)); null: none. */
  season: { amplitude: number; peakDayOfYear: number } | null;
  brands: string[];
  subCategories: Array<{ name: string; items: string[] }>;
  variants: string[];
  unit: string;
}

export const CATEGORIES: CategorySpec[] = [
  {
    name: 'Beverages',
    prefix: 'BEV',
    priceRange: [0.9, 7],
    season: { amplitude: 0.25, peakDayOfYear: 195 },
    unit: 'each',
    brands: ['Fjord Springs', 'Casa Verde', 'Northbrew', 'Lumo'],
    subCategories: [
      { name: 'Water', items: ['Sparkling Water', 'Still Water', 'Lemon Water'] },
      { name: 'Juice', items: ['Orange Juice', 'Apple Juice', 'Multivitamin Juice'] },
      { name: 'Coffee & Tea', items: ['Cold Brew Coffee', 'Green Tea', 'Iced Tea', 'Espresso Beans'] },
    ],
    variants: ['330 ml', '500 ml', '1 l', '1.5 l', '6-pack'],
  },
  {
    name: 'Snacks',
    prefix: 'SNK',
    priceRange: [0.8, 6],
    season: null,
    unit: 'each',
    brands: ['Crunchwell', 'Golden Oak', 'Nibbl', 'Saltmarsh'],
    subCategories: [
      { name: 'Crisps', items: ['Sea Salt Crisps', 'Paprika Crisps', 'Lentil Chips'] },
      { name: 'Sweets', items: ['Dark Chocolate Bar', 'Fruit Gums', 'Oat Cookies'] },
      { name: 'Nuts', items: ['Roasted Almonds', 'Salted Peanuts', 'Trail Mix'] },
    ],
    variants: ['small', 'family size', '150 g', '250 g', 'multipack'],
  },
  {
    name: 'Household',
    prefix: 'HSH',
    priceRange: [1.5, 18],
    season: null,
    unit: 'each',
    brands: ['Clearwave', 'HomeHero', 'Brightly', 'Pureleaf'],
    subCategories: [
      { name: 'Cleaning', items: ['All-Purpose Cleaner', 'Glass Cleaner', 'Dish Soap', 'Microfibre Cloths'] },
      { name: 'Laundry', items: ['Laundry Detergent', 'Fabric Softener', 'Stain Remover'] },
      { name: 'Paper', items: ['Kitchen Roll', 'Toilet Paper', 'Tissues'] },
    ],
    variants: ['500 ml', '1 l', '2-pack', '8-pack', 'refill'],
  },
  {
    name: 'Personal Care',
    prefix: 'PCR',
    priceRange: [2, 24],
    season: null,
    unit: 'each',
    brands: ['Sorrel', 'Velvetine', 'Nordic Skin', 'Aqualis'],
    subCategories: [
      { name: 'Hair', items: ['Shampoo', 'Conditioner', 'Hair Oil'] },
      { name: 'Body', items: ['Shower Gel', 'Body Lotion', 'Hand Cream', 'Deodorant'] },
      { name: 'Oral', items: ['Toothpaste', 'Electric Toothbrush Heads', 'Mouthwash'] },
    ],
    variants: ['travel size', '250 ml', '400 ml', 'sensitive', 'fresh'],
  },
  {
    name: 'Kitchen',
    prefix: 'KIT',
    priceRange: [4, 90],
    season: { amplitude: 0.2, peakDayOfYear: 345 },
    unit: 'each',
    brands: ['Ferro', 'Oakhill', 'Cucina Bella', 'Steelcraft'],
    subCategories: [
      { name: 'Cookware', items: ['Frying Pan', 'Saucepan', 'Cast Iron Casserole', 'Wok'] },
      { name: 'Tools', items: ["Chef's Knife", 'Cutting Board', 'Whisk', 'Peeler'] },
      { name: 'Storage', items: ['Glass Storage Jars', 'Lunch Box', 'Spice Rack'] },
    ],
    variants: ['20 cm', '24 cm', '28 cm', 'set of 3', 'large'],
  },
  {
    name: 'Garden',
    prefix: 'GRD',
    priceRange: [3, 120],
    season: { amplitude: 0.75, peakDayOfYear: 135 },
    unit: 'each',
    brands: ['Greenthumb', 'Wildroot', 'Terra Nova', 'Meadowlark'],
    subCategories: [
      { name: 'Plants & Seeds', items: ['Tomato Seeds', 'Herb Garden Kit', 'Flower Bulbs', 'Potting Soil'] },
      { name: 'Tools', items: ['Pruning Shears', 'Garden Hose', 'Watering Can', 'Hand Trowel'] },
      { name: 'Outdoor Living', items: ['Solar Lights', 'Bird Feeder', 'Folding Chair'] },
    ],
    variants: ['small', 'medium', 'large', '10 l', '25 m'],
  },
  {
    name: 'Toys',
    prefix: 'TOY',
    priceRange: [4, 70],
    season: { amplitude: 0.55, peakDayOfYear: 350 },
    unit: 'each',
    brands: ['Tiny Giants', 'Playmoor', 'Brickwise', 'Kiddo'],
    subCategories: [
      { name: 'Games', items: ['Board Game', 'Card Game', 'Jigsaw Puzzle'] },
      { name: 'Building', items: ['Building Blocks Set', 'Marble Run', 'Magnetic Tiles'] },
      { name: 'Outdoor Toys', items: ['Kite', 'Water Pistol', 'Frisbee'] },
    ],
    variants: ['3+', '6+', '8+', '500 pieces', '1000 pieces'],
  },
  {
    name: 'Electronics',
    prefix: 'ELE',
    priceRange: [8, 260],
    season: { amplitude: 0.2, peakDayOfYear: 340 },
    unit: 'each',
    brands: ['Voltix', 'Auralite', 'Circuitry', 'Nimbus'],
    subCategories: [
      { name: 'Audio', items: ['Wireless Earbuds', 'Bluetooth Speaker', 'Headphones'] },
      { name: 'Accessories', items: ['USB-C Cable', 'Power Bank', 'Phone Charger', 'HDMI Cable'] },
      { name: 'Smart Home', items: ['Smart Plug', 'LED Bulb', 'Doorbell Camera'] },
    ],
    variants: ['black', 'white', '1 m', '2 m', 'pro'],
  },
  {
    name: 'Stationery',
    prefix: 'STA',
    priceRange: [1, 20],
    season: { amplitude: 0.35, peakDayOfYear: 240 },
    unit: 'each',
    brands: ['Inkwell', 'Papyra', 'Notable', 'Scribe & Co'],
    subCategories: [
      { name: 'Writing', items: ['Gel Pens', 'Pencils', 'Highlighters', 'Fountain Pen'] },
      { name: 'Paper', items: ['Notebook', 'Sticky Notes', 'Printer Paper'] },
      { name: 'Organisation', items: ['Ring Binder', 'Desk Organiser', 'Planner'] },
    ],
    variants: ['A4', 'A5', 'pack of 10', 'assorted', 'recycled'],
  },
  {
    name: 'Sports & Outdoor',
    prefix: 'SPO',
    priceRange: [6, 140],
    season: { amplitude: 0.35, peakDayOfYear: 170 },
    unit: 'each',
    brands: ['Summitline', 'Stride', 'Bluepeak', 'Kinetic'],
    subCategories: [
      { name: 'Fitness', items: ['Yoga Mat', 'Resistance Bands', 'Dumbbells', 'Skipping Rope'] },
      { name: 'Camping', items: ['Camping Lantern', 'Sleeping Bag', 'Water Bottle'] },
      { name: 'Cycling', items: ['Bike Light Set', 'Bike Lock', 'Cycling Gloves'] },
    ],
    variants: ['S', 'M', 'L', '2 kg', '5 kg'],
  },
  {
    name: 'Winter Essentials',
    prefix: 'WIN',
    priceRange: [5, 80],
    season: { amplitude: 0.8, peakDayOfYear: 10 },
    unit: 'each',
    brands: ['Hearthside', 'Polar Bear', 'Woolly', 'Frostguard'],
    subCategories: [
      { name: 'Warmth', items: ['Hot Water Bottle', 'Fleece Blanket', 'Heated Throw'] },
      { name: 'Clothing', items: ['Knitted Scarf', 'Thermal Gloves', 'Beanie Hat', 'Wool Socks'] },
      { name: 'Home', items: ['Draught Excluder', 'Ice Scraper', 'Space Heater'] },
    ],
    variants: ['grey', 'navy', 'red', 'one size', 'large'],
  },
  {
    name: 'Pet Supplies',
    prefix: 'PET',
    priceRange: [2, 45],
    season: null,
    unit: 'each',
    brands: ['Happy Paws', 'Whisker & Co', 'Barkley', 'Nutripet'],
    subCategories: [
      { name: 'Food', items: ['Dry Dog Food', 'Wet Cat Food', 'Dog Treats', 'Bird Seed'] },
      { name: 'Care', items: ['Cat Litter', 'Pet Shampoo', 'Flea Collar'] },
      { name: 'Toys', items: ['Chew Toy', 'Cat Scratcher', 'Tennis Balls'] },
    ],
    variants: ['1 kg', '3 kg', '12-pack', 'small', 'large'],
  },
];
