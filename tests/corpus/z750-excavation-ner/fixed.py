"""Word-level tagger for excavation field notes (artefact / material / period).

Tags live on words; the model predicts on word pieces and we read the
prediction of the first piece of every word.
"""
import os
import tempfile
from functools import partial

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

L.seed_everything(7, verbose=False)

TAGS = ["O", "ARTEFACT", "MATERIAL", "PERIOD", "CONTEXT"]
NOTES = [
    ("bronze fibula from context 1042 roman", "MATERIAL ARTEFACT O CONTEXT CONTEXT PERIOD"),
    ("sherd of samian ware", "ARTEFACT O MATERIAL MATERIAL"),
    ("iron nail in posthole fill medieval date", "MATERIAL ARTEFACT O CONTEXT CONTEXT PERIOD O"),
    ("flint scraper neolithic", "MATERIAL ARTEFACT PERIOD"),
    ("glass bead and bronze pin from ditch 2210", "MATERIAL ARTEFACT O MATERIAL ARTEFACT O CONTEXT CONTEXT"),
    ("roman coin", "PERIOD ARTEFACT"),
    ("antler comb saxon layer", "MATERIAL ARTEFACT PERIOD CONTEXT"),
    ("bone needle from pit fill", "MATERIAL ARTEFACT O CONTEXT CONTEXT"),
]

PIECES = ["bronze", "fib", "##ula", "from", "context", "10", "##42", "22", "##10", "roman", "sher", "##d",
          "of", "sam", "##ian", "ware", "iron", "nail", "in", "post", "##hole", "fill", "medieval", "date",
          "flint", "scrap", "##er", "neo", "##lithic", "glass", "bead", "and", "pin", "ditch", "coin",
          "ant", "##ler", "comb", "sax", "##on", "layer", "bone", "need", "##le", "pit"]


def build_tokenizer():
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PIECES))
    return BertTokenizer(path)


def first_piece_positions(word_ids):
    seen, positions = set(), []
    for pos, wid in enumerate(word_ids):
        if wid is not None and wid not in seen:
            seen.add(wid)
            positions.append(pos)
    return positions


def collate_notes(rows, tokenizer):
    words = [text.split() for text, _ in rows]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    heads, tag_ids = [], []
    for i, (_, tag_str) in enumerate(rows):
        wids = enc.word_ids(batch_index=i)
        heads.append(torch.tensor(first_piece_positions(wids)))
        tag_ids.append(torch.tensor([TAGS.index(t) for t in tag_str.split()]))
    return {"enc": dict(enc), "heads": heads, "tags": tag_ids}


class FieldNoteTagger(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
        self.net = BertForTokenClassification(cfg)

    def word_logits(self, batch):
        piece_logits = self.net(**batch["enc"]).logits
        return torch.cat([piece_logits[i, h] for i, h in enumerate(batch["heads"])])

    def training_step(self, batch, batch_idx):
        scores = self.word_logits(batch)
        gold = torch.cat(batch["tags"])
        loss = F.cross_entropy(scores, gold)
        if batch_idx == 0:
            print(f"step {self.global_step}: {gold.numel()} words, loss {loss.item():.3f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tok = build_tokenizer()
    loader = DataLoader(NOTES, batch_size=4, shuffle=False, collate_fn=partial(collate_notes, tokenizer=tok))
    model = FieldNoteTagger(tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("trained on", len(NOTES), "field notes")


if __name__ == "__main__":
    main()
