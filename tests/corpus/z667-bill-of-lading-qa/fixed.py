"""Extractive QA over Turkish bill-of-lading header text: find the port of discharge.

Annotators typed the answers by hand (mixed case), so spans are located case-insensitively
before converting them to token positions for BertForQuestionAnswering.
"""
import logging
import os
import re
import tempfile
import unicodedata

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("bol_qa")

QUESTION = "what is the port of discharge?"
RECORDS = [
    ("SHIPPER: İPEK TEKSTİL SANAYİ VE TİCARET A.Ş. İSTANBUL. VESSEL: MV KARADENİZ. "
     "DISCHARGE PORT: SAMSUN", "Samsun"),
    ("SHIPPER: ÖZTÜRK GIDA İHRACAT LTD. İZMİR. CARGO: DRIED FIGS 18 PALLETS. "
     "DISCHARGE PORT: TRABZON", "Trabzon"),
    ("SHIPPER: DENİZ KİMYA SANAYİ A.Ş. KOCAELİ. CARGO: CAUSTIC SODA IBC. "
     "DISCHARGE PORT: HAYDARPAŞA", "Haydarpaşa"),
    ("SHIPPER: ANADOLU MERMER İŞLETMELERİ. AFYON. CARGO: MARBLE BLOCKS. "
     "DISCHARGE PORT: ALIAGA", "Aliaga"),
    ("SHIPPER: EGE PAMUK TİCARET. DENİZLİ. CARGO: COTTON BALES 40 HC. "
     "DISCHARGE PORT: SAMSUN", "samsun"),
    ("SHIPPER: BURSA OTOMOTİV YAN SANAYİ. CARGO: BRAKE DISCS 12 PALLETS. "
     "DISCHARGE PORT: TRABZON", "TRABZON"),
]
MAX_LEN = 96


def plain_words(text):
    # roughly what the uncased BERT normaliser does: lower, drop accents, split punctuation
    t = unicodedata.normalize("NFD", text.lower())
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    return re.findall(r"\w+|[^\w\s]", t)


def build_tokenizer():
    words = {w for ctx, _ in RECORDS for w in plain_words(ctx)} | set(plain_words(QUESTION))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    folder = tempfile.mkdtemp(prefix="bol_vocab_")
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def locate_answer(context: str, answer: str) -> tuple[int, int]:
    found = re.search(re.escape(answer), context, flags=re.IGNORECASE)
    if found is None:
        raise ValueError(f"answer {answer!r} not found in context")
    return found.start(), found.end()


def char_to_token_table(offsets, seq_ids, n_chars):
    table = torch.full((n_chars,), -1, dtype=torch.long)
    for tok_idx, ((a, b), sid) in enumerate(zip(offsets, seq_ids)):
        if sid == 1 and b > a:
            table[a:b] = tok_idx
    return table


class BillOfLadingData(L.LightningDataModule):
    def __init__(self, tokenizer, batch_size=2):
        super().__init__()
        self.tok = tokenizer
        self.batch_size = batch_size
        self.features = []

    def setup(self, stage=None):
        self.features = []
        for context, answer in RECORDS:
            enc = self.tok(QUESTION, context, max_length=MAX_LEN, padding="max_length",
                           truncation="only_second", return_offsets_mapping=True)
            c2t = char_to_token_table(enc["offset_mapping"], enc.sequence_ids(), len(context))
            s_char, e_char = locate_answer(context, answer)
            feat = {k: torch.tensor(enc[k]) for k in ("input_ids", "token_type_ids", "attention_mask")}
            feat["start_positions"] = c2t[s_char]
            feat["end_positions"] = c2t[e_char - 1]
            self.features.append(feat)
        log.info("built %d QA features", len(self.features))

    def train_dataloader(self):
        return DataLoader(self.features, batch_size=self.batch_size, shuffle=True)


class SpanExtractor(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=128)
        self.qa = BertForQuestionAnswering(cfg)

    def training_step(self, batch, batch_idx):
        out = self.qa(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def main():
    L.seed_everything(21)
    tok = build_tokenizer()
    data = BillOfLadingData(tok)
    model = SpanExtractor(tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, log_every_n_steps=1)
    trainer.fit(model, datamodule=data)
    print("trained steps:", trainer.global_step)


if __name__ == "__main__":
    main()
