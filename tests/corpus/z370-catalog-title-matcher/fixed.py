# Supplier-feed deduplication: learn embeddings so that a supplier's product title
# lands close to the matching title in our warehouse catalog.
import atexit
import os
import random
import shutil
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

CFG = {
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "max_seq_length": 24,
    "proj_dim": 16,
    "batch_size": 16,
    "n_pairs": 32,
    "seed": 3,
}

random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])

BRANDS = ["acme", "bolt", "crest", "delta", "ember", "fjord"]
ITEMS = ["drill", "hammer", "wrench", "ladder", "toolbox", "sander", "clamp", "saw"]
SPECS = ["18v", "cordless", "steel", "6ft", "compact", "heavy", "duty", "pro", "kit", "set"]
NOISE = ["new", "sale", "genuine", "oem", "pack", "x1", "item", "free", "ship"]


def catalog_title():
    return f"{random.choice(BRANDS)} {random.choice(ITEMS)} {' '.join(random.sample(SPECS, 2))}"


def supplier_variant(title):
    brand, *rest = title.split()
    random.shuffle(rest)
    return " ".join([brand] + rest + random.sample(NOISE, 2))


pairs = []
for _ in range(CFG["n_pairs"]):
    a = catalog_title()
    if random.random() < 0.5:
        pairs.append(InputExample(texts=[supplier_variant(a), a], label=1.0))
    else:
        pairs.append(InputExample(texts=[supplier_variant(catalog_title()), a], label=0.0))

workdir = tempfile.mkdtemp(prefix="catalog_enc_")
atexit.register(shutil.rmtree, workdir, True)
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(BRANDS + ITEMS + SPECS + NOISE))
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab) + "\n")

tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
bert = BertModel(BertConfig(
    vocab_size=len(vocab),
    hidden_size=CFG["hidden"],
    num_hidden_layers=CFG["layers"],
    num_attention_heads=CFG["heads"],
    intermediate_size=CFG["hidden"] * 2,
    max_position_embeddings=64,
))
bert.save_pretrained(workdir)
tok.save_pretrained(workdir)

word_model = models.Transformer(workdir, max_seq_length=CFG["max_seq_length"])
pooling = models.Pooling(
    word_model.get_word_embedding_dimension(),
    pooling_mode_mean_tokens=True,
    pooling_mode_max_tokens=True,
)
projection = models.Dense(
    in_features=pooling.get_sentence_embedding_dimension(),
    out_features=CFG["proj_dim"],
    activation_function=torch.nn.Tanh(),
)
encoder = SentenceTransformer(modules=[word_model, pooling, projection], device="cpu")

train_loader = DataLoader(pairs, shuffle=True, batch_size=CFG["batch_size"])
train_loss = losses.CosineSimilarityLoss(encoder)

encoder.old_fit(
    train_objectives=[(train_loader, train_loss)],
    epochs=1,
    warmup_steps=2,
    show_progress_bar=False,
)

queries = ["bolt drill cordless 18v sale oem", "fjord ladder 6ft steel new"]
catalog = ["bolt drill 18v cordless", "fjord ladder steel 6ft", "acme hammer heavy duty"]
q = encoder.encode(queries, convert_to_tensor=True)
c = encoder.encode(catalog, convert_to_tensor=True)
scores = torch.nn.functional.cosine_similarity(q.unsqueeze(1), c.unsqueeze(0), dim=-1)
for query, row in zip(queries, scores):
    print(f"{query!r} -> {catalog[int(row.argmax())]!r} ({float(row.max()):.3f})")
