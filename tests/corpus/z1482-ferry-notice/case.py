"""Turn ferry operations telegrams into passenger-facing notices.

Small BART trained with Seq2SeqTrainer; at the end we take 4 beams per telegram and
rerank them with our own GNMT-style length penalty instead of the built-in one.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (BartConfig, BartForConditionalGeneration, BertTokenizer,
                          DataCollatorForSeq2Seq, Seq2SeqTrainer, Seq2SeqTrainingArguments, set_seed)

set_seed(3)

TELEGRAMS = [
    ("DEP 0730 ORKNEY CXL WX", "the 07:30 sailing to orkney is cancelled due to weather"),
    ("DEP 0915 ARRAN DLY 40", "the 09:15 sailing to arran is delayed by forty minutes"),
    ("DEP 1200 MULL NORMAL", "the 12:00 sailing to mull is operating normally"),
    ("DEP 1445 ISLAY CXL TECH", "the 14:45 sailing to islay is cancelled due to a technical fault"),
    ("DEP 1600 ARRAN DLY 20", "the 16:00 sailing to arran is delayed by twenty minutes"),
    ("DEP 1830 MULL CXL WX", "the 18:30 sailing to mull is cancelled due to weather"),
    ("DEP 0800 ISLAY NORMAL", "the 08:00 sailing to islay is operating normally"),
    ("DEP 1015 ORKNEY DLY 40", "the 10:15 sailing to orkney is delayed by forty minutes"),
]


@dataclass
class GenSettings:
    max_source_len: int = 16
    max_target_len: int = 24
    max_new_tokens: int = 12  # what fits on the quayside ticker board
    min_new_tokens: int = 3
    num_beams: int = 4
    lp_alpha: float = 0.6


CFG = GenSettings()


def make_tokenizer():
    words = {w for s, t in TELEGRAMS for w in (s.lower() + " " + t).replace(":", " : ").split()}
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        # same special-id layout as fairseq/BART: bos=0, pad=1, eos=2, unk=3
        fh.write("\n".join(["[CLS]", "[PAD]", "[SEP]", "[UNK]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizer(path)


class TelegramSet(Dataset):
    def __init__(self, pairs, tok):
        self.items = []
        for src, tgt in pairs:
            enc = tok(src, truncation=True, max_length=CFG.max_source_len, return_token_type_ids=False)
            lab = tok(tgt, truncation=True, max_length=CFG.max_target_len, return_token_type_ids=False)
            enc["labels"] = lab["input_ids"]
            self.items.append(enc)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def gnmt_table(max_len, alpha):
    # lp(n) = ((5 + n) / 6) ** alpha for every output length we can produce
    return torch.tensor([((5 + n) / 6) ** alpha for n in range(max_len + 1)])


def rerank(model, tok, sources):
    enc = tok(sources, padding=True, return_tensors="pt", return_token_type_ids=False)
    out = model.generate(**enc, num_beams=CFG.num_beams, num_return_sequences=CFG.num_beams,
                         max_new_tokens=CFG.max_new_tokens, min_new_tokens=CFG.min_new_tokens,
                         length_penalty=0.0, early_stopping=True,
                         output_scores=True, return_dict_in_generate=True)
    seqs = out.sequences
    hyp_lens = (seqs != model.config.pad_token_id).sum(dim=-1)
    lp = LP_TABLE.index_select(0, hyp_lens)
    rescored = (out.sequences_scores / lp).view(len(sources), CFG.num_beams)
    best = rescored.argmax(dim=-1)
    picks = seqs.view(len(sources), CFG.num_beams, -1)[torch.arange(len(sources)), best]
    return tok.batch_decode(picks, skip_special_tokens=True)


tok = make_tokenizer()
config = BartConfig(vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1,
                    encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                    decoder_ffn_dim=64, max_position_embeddings=64, pad_token_id=tok.pad_token_id,
                    bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                    decoder_start_token_id=tok.sep_token_id, forced_bos_token_id=None,
                    forced_eos_token_id=None)
model = BartForConditionalGeneration(config)
LP_TABLE = gnmt_table(CFG.max_new_tokens, CFG.lp_alpha)

args = Seq2SeqTrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                                num_train_epochs=4, learning_rate=5e-3, logging_steps=20,
                                save_strategy="no", report_to=[], use_cpu=True, seed=3,
                                disable_tqdm=True)
trainer = Seq2SeqTrainer(model=model, args=args, train_dataset=TelegramSet(TELEGRAMS, tok),
                         data_collator=DataCollatorForSeq2Seq(tok, model=model, label_pad_token_id=-100))
trainer.train()

model.eval()
incoming = ["DEP 0730 MULL DLY 20", "DEP 1445 ORKNEY NORMAL"]
for src, notice in zip(incoming, rerank(model, tok, incoming)):
    print(f"{src:24} => {notice}")
