"""Fine-tune a tiny BERT to triage maritime incident reports by incident type.

Everything is kept as tuples and plain functions; the Trainer only sees a tuple
of feature dicts, which it is perfectly happy to iterate over.
"""
import os
import random
import tempfile
from functools import reduce, partial
from operator import itemgetter

import numpy as np
import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# canonical ordering from the harbour master's taxonomy sheet
CATEGORIES = ("collision", "grounding", "fire", "man_overboard", "machinery")

REPORTS = (
    ("tug struck the stern of a moored barge while turning in the basin", "collision"),
    ("ferry made contact with pier fender during heavy crosswind", "collision"),
    ("bulk carrier touched bottom on the sandbar outside the channel", "grounding"),
    ("yacht ran aground at low tide near the north breakwater", "grounding"),
    ("deckhand fell over the side while securing a mooring line", "man_overboard"),
    ("crew member lost overboard during night transfer recovered by rescue boat", "man_overboard"),
    ("main engine lost oil pressure and vessel drifted until anchor held", "machinery"),
    ("steering gear failure reported by pilot on approach to the lock", "machinery"),
    ("trawler and pleasure craft collided in fog near the outer buoy", "collision"),
    ("generator shutdown left the container ship without power for an hour", "machinery"),
)


def compose(*fns):
    return lambda x: reduce(lambda acc, f: f(acc), reversed(fns), x)


def words_of(text):
    return tuple(text.lower().split())


def build_vocab(texts):
    specials = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
    seen = reduce(lambda acc, w: acc if w in acc else acc + (w,),
                  (w for t in texts for w in words_of(t)), ())
    return specials + tuple(sorted(seen))


def write_vocab(tokens):
    folder = tempfile.mkdtemp(prefix="incident_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def encode(tokenizer, label_index, report):
    text, category = report
    enc = tokenizer(text, padding="max_length", truncation=True, max_length=24)
    return {**dict(enc), "labels": label_index[category]}


texts = tuple(map(itemgetter(0), REPORTS))
observed = tuple(sorted(set(map(itemgetter(1), REPORTS))))
print(f"{len(REPORTS)} reports, categories observed: {observed}")

vocab = build_vocab(texts)
tokenizer = BertTokenizer(write_vocab(vocab))
label_index = dict(map(reversed, enumerate(CATEGORIES)))

features = tuple(map(partial(encode, tokenizer, label_index), REPORTS))
print("first feature keys:", sorted(features[0].keys()))

config = BertConfig(
    vocab_size=len(vocab),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(observed),
)
model = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=tempfile.mkdtemp(prefix="incident_run_"),
    per_device_train_batch_size=4,
    num_train_epochs=1,
    learning_rate=5e-4,
    logging_steps=1,
    save_strategy="no",
    disable_tqdm=True,
    report_to=[],
    use_cpu=True,
    seed=SEED,
)

trainer = Trainer(model=model, args=args, train_dataset=features)
result = trainer.train()
print("training loss:", round(result.training_loss, 4))

classify = compose(
    lambda logits: CATEGORIES[int(logits.argmax(-1))],
    lambda out: out.logits[0],
    lambda enc: model(**enc),
    lambda text: tokenizer(text, return_tensors="pt"),
)
model.eval()
with torch.no_grad():
    print("prediction:", classify("barge collided with the lock gate in fog"))
