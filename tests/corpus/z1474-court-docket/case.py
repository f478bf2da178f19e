# Docket entry -> short headline generator for the clerk's daily digest.
# Tiny BART from a config (random weights) + a word-piece vocab we write ourselves,
# just to shake out the data pipeline before moving to the real checkpoint.
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

random.seed(3)
torch.manual_seed(3)

DOCKET = [
    ("order granting defendant motion to compel production of documents responsive to requests one through "
     "nine within fourteen days of this order", "motion to compel granted"),
    ("minute entry for proceedings held before the magistrate judge status conference held counsel for both "
     "parties present discovery deadline extended by thirty days", "discovery deadline extended"),
    ("notice of appeal to the court of appeals filed by plaintiff filing fee paid receipt number issued",
     "plaintiff files notice of appeal"),
    ("stipulation of dismissal with prejudice signed by all parties each side to bear its own costs and fees",
     "case dismissed with prejudice"),
    ("motion for summary judgment filed by defendant with memorandum of law statement of undisputed facts "
     "and declaration with exhibits", "defendant moves for summary judgment"),
    ("order denying plaintiff motion for temporary restraining order for failure to show irreparable harm",
     "restraining order denied"),
]


@dataclass
class RunSettings:
    max_source_len: int = 96
    max_target_len: int = 12
    n_positions: int = 64
    batch_size: int = 3
    epochs: int = 3
    lr: float = 1e-3


def make_vocab_file(rows):
    pieces = {w for a, b in rows for w in (a + " " + b).split()}
    d = tempfile.mkdtemp(prefix="docket_tok_")
    with open(os.path.join(d, "vocab.txt"), "w") as f:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces):
            f.write(w + "\n")
    return os.path.join(d, "vocab.txt")


class DocketSummarizer:
    def __init__(self, settings, tokenizer):
        self.s = settings
        self.tok = tokenizer
        conf = BartConfig(
            vocab_size=tokenizer.vocab_size, d_model=32,
            encoder_layers=1, decoder_layers=1,
            encoder_attention_heads=2, decoder_attention_heads=2,
            encoder_ffn_dim=64, decoder_ffn_dim=64,
            max_position_embeddings=settings.n_positions,
            pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.cls_token_id,
            eos_token_id=tokenizer.sep_token_id, decoder_start_token_id=tokenizer.sep_token_id,
        )
        self.model = BartForConditionalGeneration(conf)

    def encode_sources(self, texts):
        return self.tok(texts, padding="max_length", truncation=True,
                        max_length=self.s.max_source_len, return_tensors="pt",
                        return_token_type_ids=False)

    def encode_targets(self, texts):
        ids = self.tok(texts, padding="max_length", truncation=True,
                       max_length=self.s.max_target_len, return_tensors="pt")["input_ids"]
        return ids.masked_fill(ids == self.tok.pad_token_id, -100)

    def batches(self, rows):
        rows = rows[:]
        random.shuffle(rows)
        for i in range(0, len(rows), self.s.batch_size):
            chunk = rows[i:i + self.s.batch_size]
            enc = self.encode_sources([c[0] for c in chunk])
            enc["labels"] = self.encode_targets([c[1] for c in chunk])
            yield enc

    def fit(self, rows):
        opt = torch.optim.AdamW(self.model.parameters(), lr=self.s.lr)
        self.model.train()
        for epoch in range(self.s.epochs):
            losses = []
            for batch in self.batches(rows):
                loss = self.model(**batch).loss
                loss.backward()
                opt.step()
                opt.zero_grad()
                losses.append(loss.item())
            print(f"[epoch {epoch + 1}/{self.s.epochs}] loss={sum(losses) / len(losses):.3f}")

    @torch.no_grad()
    def headline(self, text):
        self.model.eval()
        enc = self.encode_sources([text])
        out = self.model.generate(**enc, max_new_tokens=self.s.max_target_len, num_beams=1)
        return self.tok.decode(out[0], skip_special_tokens=True)


if __name__ == "__main__":
    settings = RunSettings()
    tok = BertTokenizer(make_vocab_file(DOCKET))
    print(f"vocab size {tok.vocab_size}; {len(DOCKET)} docket entries")
    summarizer = DocketSummarizer(settings, tok)
    summarizer.fit(DOCKET)
    print("digest:", summarizer.headline(DOCKET[0][0]))
