"""Pair matcher: does a handwritten field label belong to a museum catalogue entry?

Tiny BERT cross-encoder trained with Lightning on CPU. Offline; vocab built from the pairs.
"""
import functools
import os
import tempfile

import torch
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

# encoder sizes we try on the specimen data
ENCODER_PROFILES = {
    "base": {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128},
    "compact": {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64,
                "type_vocab_size": 1, "max_position_embeddings": 64},
}
MODEL_DEFAULTS = {"num_labels": 2, "hidden_dropout_prob": 0.1, "type_vocab_size": 2}
TOKENIZER_DEFAULTS = {"padding": "longest", "truncation": "longest_first", "max_length": 48, "return_tensors": "pt"}
LOADER_DEFAULTS = {"batch_size": 4, "shuffle": True, "num_workers": 0}

PROFILE = "compact"

PAIRS = [
    ("ammonite shell coiled ribbed whitby shale", "cephalopod ammonite lower jurassic yorkshire coast", 1),
    ("trilobite pygidium limestone bed three", "brachiopod valve carboniferous limestone", 0),
    ("shark tooth serrated river gravel", "megalodon tooth neogene fluvial deposit", 1),
    ("fern frond impression coal measures", "ammonite shell coiled ribbed jurassic", 0),
    ("crinoid stem ossicles quarry face", "crinoid columnals carboniferous limestone quarry", 1),
    ("belemnite guard clay cliff", "fern pinnule coal measures impression", 0),
    ("echinoid test chalk pit", "sea urchin echinoid cretaceous chalk", 1),
    ("trilobite cephalon slate", "shark tooth serrated river gravel", 0),
]


def build_tokenizer(pairs):
    words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()})
    d = tempfile.mkdtemp(prefix="fossil_tok_")
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return BertTokenizer(os.path.join(d, "vocab.txt"))


def collate_pairs(rows, tokenizer, tokenizer_kwargs):
    labels_, catalogue, matches = zip(*rows)
    enc = tokenizer(list(labels_), list(catalogue), **tokenizer_kwargs)
    enc["labels"] = torch.tensor(matches)
    return dict(enc)


class SpecimenMatcher(L.LightningModule):
    def __init__(self, model_kwargs, lr=2e-4):
        super().__init__()
        self.lr = lr
        self.encoder = BertForSequenceClassification(BertConfig(**model_kwargs))

    def training_step(self, batch, batch_idx):
        out = self.encoder(**batch)
        self.log("train_loss", out.loss, prog_bar=False)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    L.seed_everything(21, verbose=False)
    tokenizer = build_tokenizer(PAIRS)

    model_kwargs = {**MODEL_DEFAULTS, **ENCODER_PROFILES[PROFILE]}
    model_kwargs["vocab_size"] = len(tokenizer)
    print(f"profile={PROFILE}: " + ", ".join(f"{k}={v}" for k, v in sorted(model_kwargs.items())))

    tokenizer_kwargs = {**TOKENIZER_DEFAULTS}
    loader_kwargs = {**LOADER_DEFAULTS, "collate_fn": functools.partial(
        collate_pairs, tokenizer=tokenizer, tokenizer_kwargs=tokenizer_kwargs)}
    loader = DataLoader(PAIRS, **loader_kwargs)

    matcher = SpecimenMatcher(model_kwargs)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(matcher, train_dataloaders=loader)
    print("matcher trained on", len(PAIRS), "label/catalogue pairs")


if __name__ == "__main__":
    main()
