"""Headline generation with a tiny BART trained in a plain loop; the batch is built by a collate function."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import DataLoader
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

torch.manual_seed(0)
words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "stocks", "fell", "sharply", "today", "markets", "drop",
         "team", "won", "the", "final", "victory", "rain", "expected", "tomorrow", "wet", "weekend"]
path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(path, "w") as fh:
    fh.write("\n".join(words) + "\n")
tok = BertTokenizer(path)
pairs = [("stocks fell sharply today", "markets drop"), ("the team won the final", "victory"),
         ("rain expected tomorrow", "wet weekend")]


def collate(rows):
    src = tok([a for a, _ in rows], padding=True, return_tensors="pt")
    tgt = tok([b for _, b in rows], padding=True, return_tensors="pt")["input_ids"]
    return {"input_ids": src["input_ids"], "attention_mask": src["attention_mask"],
            "decoder_input_ids": tgt[:, :-1], "labels": tgt[:, 1:].contiguous()}


model = BartForConditionalGeneration(BartConfig(vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1,
                                                encoder_attention_heads=2, decoder_attention_heads=2,
                                                encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=32,
                                                pad_token_id=0, bos_token_id=2, eos_token_id=3,
                                                decoder_start_token_id=2))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
for batch in DataLoader(pairs, batch_size=3, collate_fn=collate):
    loss = model(**batch).loss
    loss.backward()
    opt.step()
print("loss", loss.item())
