"""Bi-encoder toponym linker for the digitised county newspapers (mention context vs gazetteer entry)."""
import logging
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("toponyms")

GAZETTEER = {
    "springfield_il": "springfield capital of illinois on the sangamon river",
    "springfield_ma": "springfield city in massachusetts on the connecticut river",
    "springfield_mo": "springfield city in the ozarks of missouri",
    "springfield_oh": "springfield city in clark county ohio",
    "paris_fr": "paris capital of france on the seine",
    "paris_tx": "paris town in lamar county texas",
    "paris_ky": "paris town in bourbon county kentucky",
    "paris_tn": "paris town in henry county tennessee",
}
# article id -> toponym mentions in reading order: (context window, candidate ids, gold id)
ARTICLES = {
    "gaz-1871-03-02": [
        ("the legislature met at springfield on the sangamon", ["springfield_ma", "springfield_il", "springfield_mo", "springfield_oh"], "springfield_il"),
        ("grain prices at paris in lamar county rose", ["paris_fr", "paris_tn", "paris_tx", "paris_ky"], "paris_tx"),
        ("bourbon distillers of paris met on monday", ["paris_ky", "paris_tx", "paris_fr", "paris_tn"], "paris_ky"),
        ("a steamer from paris reached the seine docks", ["paris_tn", "paris_fr", "paris_ky", "paris_tx"], "paris_fr"),
        ("mills along the connecticut river at springfield", ["springfield_oh", "springfield_mo", "springfield_ma", "springfield_il"], "springfield_ma"),
        ("the ozarks road to springfield was washed out", ["springfield_il", "springfield_ma", "springfield_oh", "springfield_mo"], "springfield_mo"),
    ],
    "gaz-1871-03-09": [
        ("clark county fair held near springfield", ["springfield_mo", "springfield_oh", "springfield_il", "springfield_ma"], "springfield_oh"),
        ("henry county court at paris adjourned", ["paris_tx", "paris_ky", "paris_tn", "paris_fr"], "paris_tn"),
    ],
}
artifacts = {}


@dataclass
class MentionExample:
    article: str
    mention_idx: int
    context: str
    candidates: list
    gold_idx: int


def flatten(articles):
    out = []
    for art, mentions in articles.items():
        for pos, (ctx, cands, gold) in enumerate(mentions):
            out.append(MentionExample(art, pos, ctx, cands, cands.index(gold)))
    return out


def write_vocab(folder):
    texts = list(GAZETTEER.values()) + [m[0] for ms in ARTICLES.values() for m in ms]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in texts for w in t.split()})) + "\n")
    return path


def make_collate(tokenizer):
    def collate(examples):
        ctx = tokenizer([ex.context for ex in examples], padding=True, return_tensors="pt")
        flat = [GAZETTEER[c] for ex in examples for c in ex.candidates]
        cand = tokenizer(flat, padding=True, return_tensors="pt")
        k = len(examples[0].candidates)
        return {"ctx_ids": ctx["input_ids"], "ctx_mask": ctx["attention_mask"],
                "cand_ids": cand["input_ids"].view(len(examples), k, -1),
                "cand_mask": cand["attention_mask"].view(len(examples), k, -1),
                "mention_idx": torch.tensor([ex.mention_idx for ex in examples]),
                "gold_idx": torch.tensor([ex.gold_idx for ex in examples])}
    return collate


class ToponymLinker(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=32))

    def embed(self, ids, attn):
        return self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state[:, 0]

    def training_step(self, batch, batch_idx):
        b, k, width = batch["cand_ids"].shape
        mention_vec = self.embed(batch["ctx_ids"], batch["ctx_mask"])
        cand_vec = self.embed(batch["cand_ids"].view(b * k, width), batch["cand_mask"].view(b * k, width)).view(b, k, -1)
        scores = torch.einsum("bh,bkh->bk", mention_vec, cand_vec)
        log_probs = F.log_softmax(scores, dim=-1)
        loss = -log_probs.gather(1, batch["gold_idx"].unsqueeze(1)).mean()
        artifacts.setdefault("train", []).append({"step": batch_idx, "loss": loss.item()})
        log.info("batch %d: %d mentions x %d candidates, loss %.4f", batch_idx, b, k, loss.item())
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(11)
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp(prefix="gazetteer_")))
    artifacts["mentions"] = flatten(ARTICLES)
    log.info("%d toponym mentions from %d articles", len(artifacts["mentions"]), len(ARTICLES))
    loader = DataLoader(artifacts["mentions"], batch_size=4, shuffle=True, collate_fn=make_collate(tokenizer))
    model = ToponymLinker(tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    log.info("linker trained, last loss %.4f", artifacts["train"][-1]["loss"])


if __name__ == "__main__":
    main()
