"""Rewrite terse cargo-manifest lines into the carrier's standard description.

Container numbers and port codes have to come through verbatim, so the BART decoder gets a
pointer-generator style copy head on top of its last cross-attention layer.
Trained with Lightning on CPU.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

L.seed_everything(11, verbose=False)

MANIFEST = [
    ("MSKU4411 2x20 reefer bananas GYE>RTM", "container MSKU4411 two 20 foot reefers of bananas from GYE to RTM"),
    ("TGHU9021 1x40 dry coffee SSZ>HAM", "container TGHU9021 one 40 foot dry box of coffee from SSZ to HAM"),
    ("CMAU7730 3x20 tank latex PKG>ANR", "container CMAU7730 three 20 foot tanks of latex from PKG to ANR"),
    ("OOLU1185 1x20 reefer salmon AES>SHA", "container OOLU1185 one 20 foot reefer of salmon from AES to SHA"),
    ("HLXU5502 2x40 dry cotton KHI>FXT", "container HLXU5502 two 40 foot dry boxes of cotton from KHI to FXT"),
    ("MSKU4480 1x40 reefer grapes VAP>RTM", "container MSKU4480 one 40 foot reefer of grapes from VAP to RTM"),
]
SRC_LEN, TGT_LEN = 24, 28


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.lower().replace(">", " > ").split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


tok = BertTokenizer(write_vocab([s for s, _ in MANIFEST] + [t for _, t in MANIFEST]))


def collate(rows):
    src = tok([r[0] for r in rows], padding="max_length", truncation=True,
              max_length=SRC_LEN, return_tensors="pt")
    tgt = tok([r[1] for r in rows], padding="max_length", truncation=True,
              max_length=TGT_LEN, return_tensors="pt")
    lab = tgt["input_ids"].masked_fill(tgt["attention_mask"] == 0, -100)
    return {"input_ids": src["input_ids"], "attention_mask": src["attention_mask"], "labels": lab}


class CopyingRewriter(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BartConfig(vocab_size=vocab_size, d_model=32, encoder_layers=1, decoder_layers=1,
                         encoder_attention_heads=2, decoder_attention_heads=2,
                         encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=64,
                         pad_token_id=tok.pad_token_id, bos_token_id=tok.cls_token_id,
                         eos_token_id=tok.sep_token_id, decoder_start_token_id=tok.sep_token_id,
                         forced_bos_token_id=None, forced_eos_token_id=None)
        cfg._attn_implementation = "eager"  # we need the cross-attention weights
        self.bart = BartForConditionalGeneration(cfg)
        self.gen_gate = nn.Linear(cfg.d_model, 1)

    def forward(self, input_ids, attention_mask, labels):
        out = self.bart(input_ids=input_ids, attention_mask=attention_mask, labels=labels,
                        output_attentions=True, output_hidden_states=True)
        vocab_probs = out.logits.softmax(dim=-1)
        copy_probs = out.cross_attentions[-1].mean(dim=1)
        p_gen = torch.sigmoid(self.gen_gate(out.decoder_hidden_states[-1]))
        # attention is over source positions: move it onto the source tokens' vocabulary ids
        src_index = input_ids.unsqueeze(1).expand(-1, copy_probs.size(1), -1)
        copy_vocab = torch.zeros_like(vocab_probs).scatter_add(2, src_index, copy_probs)
        mixed = p_gen * vocab_probs + (1.0 - p_gen) * copy_vocab
        return mixed, out.loss

    def training_step(self, batch, batch_idx):
        mixed, lm_loss = self(**batch)
        nll = F.nll_loss(torch.log(mixed + 1e-9).flatten(0, 1), batch["labels"].flatten(),
                         ignore_index=-100)
        # keep the plain LM head usable on its own, generate() only sees that one
        loss = nll + 0.5 * lm_loss
        self.log("train_nll", nll, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-3)


loader = DataLoader(MANIFEST, batch_size=3, shuffle=True, collate_fn=collate)
module = CopyingRewriter(len(tok))
print(f"vocab={len(tok)} src_len={SRC_LEN} tgt_len={TGT_LEN}")
trainer = L.Trainer(max_epochs=25, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(module, loader)

module.eval()
probe = tok(["CMAU7792 2x20 dry cocoa ABJ>ANR"], return_tensors="pt", return_token_type_ids=False)
with torch.no_grad():
    gen = module.bart.generate(**probe, max_new_tokens=TGT_LEN, num_beams=1)
print("probe ->", tok.decode(gen[0], skip_special_tokens=True))
print("final train_nll", float(trainer.callback_metrics["train_nll"]))
