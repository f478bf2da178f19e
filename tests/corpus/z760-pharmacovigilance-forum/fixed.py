"""Drug / adverse-reaction pair classifier for scraped patient-forum posts.

Posts come out of the forum export as HTML fragments. We strip the markup,
tokenize, take the encoder states at the first token of the drug mention and of
the reaction mention, and classify the pair (reported ADE vs. unrelated).
"""
import html
import os
import re
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

POSTS = [
    {"html": '<div class="post-body"><p>Started <b>lisinopril</b> in March.</p><p>Two weeks later a <i>dry cough</i> showed up and never left.</p></div>',
     "pairs": [("lisinopril", "dry cough", "ade")]},
    {"html": '<p>My GP switched me to <a href="/drugs/atorvastatin" rel="nofollow">atorvastatin</a>&nbsp;and the <span class="hl">muscle pain</span> is real.</p>',
     "pairs": [("atorvastatin", "muscle pain", "ade")]},
    {"html": '<div class="post-body"><blockquote class="quote-block"><span class="quote-author">mod_anna</span> wrote: welcome!</blockquote><p>I take <b>metformin</b> with dinner, the <i>nausea</i> came from the flu though.</p></div>',
     "pairs": [("metformin", "nausea", "unrelated")]},
    {"html": '<p>Been on <b>sertraline</b> for a year.</p><p>Honestly the <span style="font-weight:bold;color:#c0392b">insomnia</span> only started after the dose went up.</p>',
     "pairs": [("sertraline", "insomnia", "ade")]},
    {"html": '<p><b>amoxicillin</b> for a tooth infection, the <i>rash</i> on my arm was poison ivy from hiking.</p>',
     "pairs": [("amoxicillin", "rash", "unrelated")]},
    {"html": '<div class="post-body"><div class="signature-block"><img src="/avatars/77.png" alt="avatar"/></div><p>After a month of <b>prednisone</b> I had <i>weight gain</i> and mood swings.</p></div>',
     "pairs": [("prednisone", "weight gain", "ade"), ("prednisone", "mood swings", "ade")]},
    {"html": '<p>Took <b>ibuprofen</b> for the headache &amp; the <i>heartburn</i> was from the spicy curry I had.</p>',
     "pairs": [("ibuprofen", "heartburn", "unrelated")]},
    {"html": '<p>Since starting <a href="/drugs/amlodipine" class="drug-link" title="amlodipine">amlodipine</a> my <span class="hl">ankle swelling</span> is worse every evening.</p>',
     "pairs": [("amlodipine", "ankle swelling", "ade")]},
]
VERDICTS = {"ade": 0, "unrelated": 1}

_TAG = re.compile(r"<[^>]+>")


def strip_markup(fragment):
    text = _TAG.sub(" ", fragment)
    text = html.unescape(text).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def find_span(text, mention):
    start = text.find(mention)
    if start < 0:
        raise ValueError(f"mention {mention!r} not found")
    return start, start + len(mention)


@dataclass
class PairExample:
    text: str
    drug_span: tuple
    reaction_span: tuple
    verdict: int


def load_examples(posts):
    out = []
    for post in posts:
        text = strip_markup(post["html"])
        for drug, reaction, verdict in post["pairs"]:
            out.append(PairExample(text, find_span(text, drug),
                                   find_span(text, reaction), VERDICTS[verdict]))
    return out


def write_vocab(posts):
    words = set()
    for post in posts:
        words.update(re.findall(r"\w+|[^\w\s]", strip_markup(post["html"]).lower()))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


class ForumPairs(Dataset):
    def __init__(self, examples, tokenizer, max_len=96):
        self.examples, self.tok, self.max_len = examples, tokenizer, max_len

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        ex = self.examples[i]
        text = ex.text
        enc = self.tok(text, return_offsets_mapping=True, truncation=True, max_length=self.max_len)
        # char position -> token position, -1 for whitespace
        char2tok = torch.full((len(text),), -1, dtype=torch.long)
        for t, (s, e) in enumerate(enc["offset_mapping"]):
            if s < e:
                char2tok[s:e] = t
        return {
            "ids": torch.tensor(enc["input_ids"]),
            "drug_at": char2tok[ex.drug_span[0]],
            "reaction_at": char2tok[ex.reaction_span[0]],
            "verdict": torch.tensor(ex.verdict),
        }


def collate(items):
    ids = pad_sequence([it["ids"] for it in items], batch_first=True, padding_value=0)
    return {"ids": ids, "attn": (ids != 0).long(),
            "drug_at": torch.stack([it["drug_at"] for it in items]),
            "reaction_at": torch.stack([it["reaction_at"] for it in items]),
            "verdict": torch.stack([it["verdict"] for it in items])}


class AdePairModel(L.LightningModule):
    def __init__(self, vocab_size, n_verdicts=len(VERDICTS)):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=128)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(2 * cfg.hidden_size, n_verdicts)

    def training_step(self, batch, batch_idx):
        states = self.encoder(input_ids=batch["ids"], attention_mask=batch["attn"]).last_hidden_state
        rows = torch.arange(states.size(0))
        pair = torch.cat([states[rows, batch["drug_at"]], states[rows, batch["reaction_at"]]], dim=-1)
        loss = F.cross_entropy(self.head(pair), batch["verdict"])
        self.log("train_loss", loss, batch_size=len(rows))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=3e-4)


def main():
    examples = load_examples(POSTS)
    tokenizer = BertTokenizer(write_vocab(POSTS))
    print(f"{len(examples)} drug/reaction pairs from {len(POSTS)} posts")
    loader = DataLoader(ForumPairs(examples, tokenizer), batch_size=4, shuffle=True, collate_fn=collate)
    model = AdePairModel(tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("done, last loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
