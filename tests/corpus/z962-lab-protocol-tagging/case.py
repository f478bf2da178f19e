"""Tag reagents, quantities and units in wet-lab protocol steps with a tiny BERT.

Lightning drives the loop; the data side is tuples and small pure functions.
"""
import os
import tempfile
from functools import reduce, partial
from operator import itemgetter

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

TAGS = ("O", "REAGENT", "QTY", "UNIT", "ACTION")

# (word, tag) pairs per protocol step
STEPS = (
    (("add", "ACTION"), ("5", "QTY"), ("ml", "UNIT"), ("ethanol", "REAGENT")),
    (("incubate", "ACTION"), ("for", "O"), ("30", "QTY"), ("min", "UNIT"), ("at", "O"), ("37", "QTY"), ("c", "UNIT")),
    (("wash", "ACTION"), ("pellet", "O"), ("with", "O"), ("200", "QTY"), ("ul", "UNIT"), ("pbs", "REAGENT")),
    (("centrifuge", "ACTION"), ("at", "O"), ("4000", "QTY"), ("rpm", "UNIT")),
    (("resuspend", "ACTION"), ("in", "O"), ("50", "QTY"), ("ul", "UNIT"), ("tris", "REAGENT"), ("buffer", "O")),
    (("add", "ACTION"), ("2", "QTY"), ("drops", "UNIT"), ("of", "O"), ("trypsin", "REAGENT")),
)


def compose(*fns):
    return lambda x: reduce(lambda acc, f: f(acc), reversed(fns), x)


def write_vocab(steps):
    words = tuple(sorted({w for step in steps for w, _ in step}))
    folder = tempfile.mkdtemp(prefix="protocol_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]") + words) + "\n")
    return path


tag_id = dict(map(reversed, enumerate(TAGS)))
words_of = compose(tuple, partial(map, itemgetter(0)))
tags_of = compose(tuple, partial(map, compose(tag_id.get, itemgetter(1))))


def encode_step(tok, step):
    # every word is in the vocab, so one word == one piece; -100 on [CLS]/[SEP]
    ids = tok.convert_tokens_to_ids(("[CLS]",) + words_of(step) + ("[SEP]",))
    return tuple(ids), (-100,) + tags_of(step) + (-100,)


def collate(pad_id, encoded):
    width = max(len(ids) for ids, _ in encoded)
    pad = lambda seq, fill: tuple(seq) + (fill,) * (width - len(seq))
    return (
        torch.tensor(tuple(pad(ids, pad_id) for ids, _ in encoded)),
        torch.tensor(tuple(pad((1,) * len(ids), 0) for ids, _ in encoded)),
        torch.tensor(tuple(pad(tg, -100) for _, tg in encoded)),
    )


class ProtocolTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = torch.nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, token_ids, attn):
        return self.head(self.encoder(input_ids=token_ids, attention_mask=attn).last_hidden_state)

    def training_step(self, batch, batch_idx):
        token_ids, attn, gold = batch
        scores = self(token_ids, attn)
        loss = F.cross_entropy(scores, gold, ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=2e-3)


tokenizer = BertTokenizer(write_vocab(STEPS))
encoded = tuple(map(partial(encode_step, tokenizer), STEPS))
print(f"{len(encoded)} protocol steps encoded, longest {max(map(compose(len, itemgetter(0)), encoded))} pieces")

loader = DataLoader(encoded, batch_size=3, shuffle=True,
                    collate_fn=partial(collate, tokenizer.pad_token_id))
tagger = ProtocolTagger(len(tokenizer), len(TAGS))

trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                    logger=False, enable_checkpointing=False)
trainer.fit(tagger, loader)

tagger.eval()
with torch.no_grad():
    ids, attn, _ = collate(tokenizer.pad_token_id, encoded[:1])
    predicted = tuple(TAGS[i] for i in tagger(ids, attn).argmax(-1)[0, 1:-1].tolist())
print("step 0 tags:", tuple(zip(words_of(STEPS[0]), predicted)))
