"""Fine-tune a small causal LM on support replies; padding is masked out of the loss."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertTokenizerFast, GPT2Config, GPT2LMHeadModel

TOKENS = ("[PAD] [UNK] [CLS] [SEP] [MASK] thanks for reaching out we are sorry the order "
          "was delayed your refund is on its way please try again later").split()


def make_tokenizer(words):
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(words) + "\n")
    return BertTokenizerFast(os.path.join(folder, "vocab.txt"))


class ReplyTrainer:
    def __init__(self, tok, lr=5e-4):
        self.tok = tok
        cfg = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=32, n_layer=2, n_head=2,
                         pad_token_id=tok.pad_token_id, bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id)
        self.net = GPT2LMHeadModel(cfg)
        self.opt = torch.optim.AdamW(self.net.parameters(), lr=lr)

    def step(self, replies):
        enc = self.tok(replies, padding=True, return_tensors="pt")
        x = enc["input_ids"]
        y = x.clone()
        y[enc["attention_mask"] == 0] = -100
        out = self.net(input_ids=x, attention_mask=enc["attention_mask"], labels=y)
        out.loss.backward()
        self.opt.step()
        self.opt.zero_grad()
        return out.loss.item()


trainer = ReplyTrainer(make_tokenizer(TOKENS))
replies = ["thanks for reaching out", "we are sorry the order was delayed your refund is on its way",
           "please try again later"]
for epoch in range(2):
    print("epoch", epoch, "loss", round(trainer.step(replies), 4))
