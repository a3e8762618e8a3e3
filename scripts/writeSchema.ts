import fs from 'node:fs';
import { configJsonSchema } from '../src/config/jsonSchema.js';

fs.writeFileSync('config/camgate.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log('wrote config/camgate.schema.json');
