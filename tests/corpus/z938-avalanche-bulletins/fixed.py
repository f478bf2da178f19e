"""Token tagger for avalanche bulletins (aspect / elevation band / danger level / problem type).

Forecasters' free-text bulletins are tagged word by word so the structured fields can be
pulled out for the regional hazard map.
"""
import functools
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(5, verbose=False)

TAGS = ["O", "ASPECT", "ELEV", "DANGER", "PROBLEM"]

# (words, tags) one tag per word
BULLETINS = [
    ("wind slab on north and east aspects above 2200 m , danger considerable".split(),
     "PROBLEM PROBLEM O ASPECT O ASPECT O ELEV ELEV O O O DANGER".split()),
    ("persistent weak layer below treeline , danger moderate".split(),
     "PROBLEM PROBLEM PROBLEM ELEV ELEV O O DANGER".split()),
    ("wet snow on south aspects in the afternoon , danger high".split(),
     "PROBLEM PROBLEM O ASPECT O O O O O O DANGER".split()),
    ("cornices along west ridges above 2500 m".split(),
     "PROBLEM O ASPECT O ELEV ELEV O".split()),
    ("storm slab near treeline on all aspects , danger considerable".split(),
     "PROBLEM PROBLEM ELEV ELEV O O O O O DANGER".split()),
    ("glide cracks on steep grassy south slopes , danger low".split(),
     "PROBLEM PROBLEM O O O ASPECT O O O DANGER".split()),
]


class LoggingMixin:
    def __init__(self, *args, channel="tagger", **kwargs):
        super().__init__(*args, **kwargs)
        self._channel = channel

    def note(self, msg):
        print(f"<{self._channel}> {msg}")


class SizesMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    @staticmethod
    def num_tags():
        return len(TAGS)

    def longest(self, rows):
        return max(len(words) for words, _ in rows) + 2


class BulletinSet(LoggingMixin, SizesMixin, Dataset):
    def __init__(self, rows, tokenizer):
        super().__init__(channel="data")
        self.rows = rows
        self.tokenizer = tokenizer
        self.note(f"{len(rows)} bulletins, longest {self.longest(rows)} positions")

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        words, tags = self.rows[i]
        ids = self.tokenizer.convert_tokens_to_ids(["[CLS]"] + words + ["[SEP]"])
        tag_ids = [-100] + [TAGS.index(t) for t in tags] + [-100]
        return ids, tag_ids


def pad_batch(items, pad_id):
    width = max(len(ids) for ids, _ in items)
    tokens = torch.full((len(items), width), pad_id)
    gold = torch.full((len(items), width), -100)
    for r, (ids, tag_ids) in enumerate(items):
        tokens[r, :len(ids)] = torch.tensor(ids)
        gold[r, :len(tag_ids)] = torch.tensor(tag_ids)
    return {"tokens": tokens, "visible": (tokens != pad_id).long(), "gold": gold}


class BulletinTagger(LoggingMixin, SizesMixin, L.LightningModule):
    def __init__(self, bert_config, lr=1e-3):
        super().__init__(channel="model")
        self.encoder = BertModel(bert_config, add_pooling_layer=False)
        self.head = torch.nn.Linear(bert_config.hidden_size, self.num_tags())
        self.lr = lr

    def forward(self, tokens, visible):
        hidden = self.encoder(input_ids=tokens, attention_mask=visible).last_hidden_state
        return self.head(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["tokens"], batch["visible"])
        # flatten (batch, seq, tags) to one row per token so the tag scores sit in dim 1
        loss = F.cross_entropy(scores.reshape(-1, self.num_tags()), batch["gold"].reshape(-1),
                               ignore_index=-100)
        if batch_idx == 0:
            self.note(f"first batch loss {loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def make_tokenizer(rows):
    vocab = sorted({w for words, _ in rows for w in words})
    path = os.path.join(tempfile.mkdtemp(prefix="avl_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(path)


if __name__ == "__main__":
    tokenizer = make_tokenizer(BULLETINS)
    data = BulletinSet(BULLETINS, tokenizer)
    loader = DataLoader(data, batch_size=3, shuffle=True,
                        collate_fn=functools.partial(pad_batch, pad_id=tokenizer.pad_token_id))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    tagger = BulletinTagger(config)

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(tagger, loader)
    tagger.note("fit complete")
