import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, uniqueDbName, type TestServer } from './harness.js';

let server: TestServer;
let conn: Connection;

const userSchema = new mongoose.Schema({
  email: { type: String, required: true, unique: true },
  name: { type: String, minlength: 2 },
  credits: { type: Number, default: 0 },
});
const postSchema = new mongoose.Schema({ title: String, author: { type: mongoose.Schema.Types.ObjectId, ref: 'User' } });
const productSchema = new mongoose.Schema({ sku: String, stock: Number });

beforeAll(async () => {
  server = await startTestServer();
  conn = await mongoose.createConnection(server.uri, { dbName: uniqueDbName('goose') }).asPromise();
});

afterAll(async () => {
  await conn.close();
  await server.stop();
});

describe('mongoose', () => {
  it('validates, syncs indexes and surfaces duplicate keys', async () => {
    const User = conn.model('User', userSchema);
    await User.syncIndexes();
    const names = (await User.collection.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_', 'email_1']);
    await User.create({ email: 'ada@x', name: 'Ada' });
    await expect(User.create({ email: 'ada@x', name: 'Ada2' })).rejects.toMatchObject({ code: 11000, keyValue: { email: 'ada@x' } });
    await expect(User.create({ email: 'b@x', name: 'B' })).rejects.toBeInstanceOf(mongoose.Error.ValidationError);
    expect(await User.countDocuments()).toBe(1);
    expect(await User.estimatedDocumentCount()).toBe(1);
  });

  it('finds by id and populates references', async () => {
    const User = conn.model('User', userSchema);
    const Post = conn.model('Post', postSchema);
    const author = await User.create({ email: 'pop@x', name: 'Pop' });
    await Post.create({ title: 'Hello', author: author._id });
    expect((await User.findById(author._id))?.email).toBe('pop@x');
    const post = await Post.findOne({ title: 'Hello' }).populate<{ author: { email: string } }>('author');
    expect(post?.author.email).toBe('pop@x');
  });

  it('never oversells with a guarded $inc', async () => {
    const Product = conn.model('Product', productSchema);
    await Product.create({ sku: 'p1', stock: 3 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => Product.findOneAndUpdate({ sku: 'p1', stock: { $gte: 1 } }, { $inc: { stock: -1 } }, { returnDocument: 'after' })),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(3);
    expect((await Product.findOne({ sku: 'p1' }))?.stock).toBe(0);
  });

  it('commits and aborts with withTransaction', async () => {
    const User = conn.model('User', userSchema);
    const session = await conn.startSession();
    await session.withTransaction(async () => {
      await User.create([{ email: 'tx1@x', name: 'Tx' }], { session });
      await User.updateOne({ email: 'ada@x' }, { $inc: { credits: 5 } }, { session });
    });
    await expect(
      session.withTransaction(async () => {
        await User.create([{ email: 'tx2@x', name: 'Tx' }], { session });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await session.endSession();
    expect(await User.exists({ email: 'tx1@x' })).not.toBeNull();
    expect(await User.exists({ email: 'tx2@x' })).toBeNull();
    expect((await User.findOne({ email: 'ada@x' }))?.credits).toBe(5);
  });
});
