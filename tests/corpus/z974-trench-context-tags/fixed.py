"""Tag words in archaeological trench context sheets (finds, materials, depths, layers)
with a tiny BERT token classifier trained in Lightning.
"""
import os
import re
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)

data = {
    "text": [
        "sherd of greyware in layer three at forty centimetres",
        "bronze pin found in ditch fill at sixty centimetres",
        "flint scraper in layer two near the posthole",
        "bone comb in pit fill at thirty centimetres",
        "iron nail in layer four with charcoal",
        "glass bead found in layer one at ten centimetres",
        "antler tine in ditch fill near the hearth",
        "samian sherd in pit fill at fifty centimetres",
    ],
    "tags": [
        "FIND O MATERIAL O LAYER LAYER O DEPTH DEPTH",
        "MATERIAL FIND O O LAYER LAYER O DEPTH DEPTH",
        "MATERIAL FIND O LAYER LAYER O O O",
        "MATERIAL FIND O LAYER LAYER O DEPTH DEPTH",
        "MATERIAL FIND O LAYER LAYER O O",
        "MATERIAL FIND O O LAYER LAYER O DEPTH DEPTH",
        "MATERIAL FIND O LAYER LAYER O O O",
        "MATERIAL FIND O LAYER LAYER O DEPTH DEPTH",
    ],
}
tag_levels = ["O", "FIND", "MATERIAL", "DEPTH", "LAYER"]
IGNORE = -100


@dataclass
class TaggedSheet:
    token_ids: list
    tag_ids: list


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t)})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def mutate_tokens(data, tok):
    sheets = []
    for text, tag_str in zip(data["text"], data["tags"]):
        words, word_tags = text.split(), tag_str.split()
        ids, tag_ids = [tok.cls_token_id], [IGNORE]
        for j in range(1, len(words) + 1):
            pieces = tok.convert_tokens_to_ids(tok.tokenize(words[j - 1]))
            ids += pieces
            tag_ids += [tag_levels.index(word_tags[j - 1])] + [IGNORE] * (len(pieces) - 1)
        ids.append(tok.sep_token_id)
        tag_ids.append(IGNORE)
        sheets.append(TaggedSheet(ids, tag_ids))
    return sheets


def summarise_lengths(sheets):
    n = [len(s.token_ids) for s in sheets]
    return {"n": len(n), "max": max(n), "min": min(n)}


def pad_sheets(sheets, pad_id):
    width = max(len(s.token_ids) for s in sheets)
    batch = {"ids": [], "keep": [], "tags": []}
    for s in sheets:
        gap = width - len(s.token_ids)
        batch["ids"].append(s.token_ids + [pad_id] * gap)
        batch["keep"].append([1] * len(s.token_ids) + [0] * gap)
        batch["tags"].append(s.tag_ids + [IGNORE] * gap)
    return {k: torch.tensor(v) for k, v in batch.items()}


class ContextTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.tag_head = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, ids, keep):
        hidden = self.encoder(input_ids=ids, attention_mask=keep).last_hidden_state
        return self.tag_head(hidden)

    def training_step(self, batch, batch_idx):
        tag_logits = self(batch["ids"], batch["keep"])
        loss = F.cross_entropy(tag_logits.transpose(1, 2), batch["tags"], ignore_index=IGNORE)
        if batch_idx == 0:
            print(f"first batch loss {loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def main():
    folder = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab(data["text"], folder))
    sheets = mutate_tokens(data, tok)
    stats = summarise_lengths(sheets)
    print(f"{stats['n']} context sheets, {stats['min']}-{stats['max']} tokens each")

    loader = DataLoader(sheets, batch_size=4, shuffle=True,
                        collate_fn=lambda rows: pad_sheets(rows, tok.pad_token_id))
    model = ContextTagger(tok.vocab_size, len(tag_levels))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, loader)
    print("done")


if __name__ == "__main__":
    main()
