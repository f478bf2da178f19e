"""ELECTRA-style replaced-token detection: a small generator fills masked positions, the discriminator
classifies every token as original or replaced."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer, ElectraConfig, ElectraForMaskedLM, ElectraModel

torch.manual_seed(0)
lines = ["the patient was given two doses of the vaccine",
         "blood pressure was normal at the follow up visit",
         "no adverse events were reported in the trial",
         "the dose was reduced after the second week"]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for l in lines for w in l.split()})) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))

gen = ElectraForMaskedLM(ElectraConfig(vocab_size=len(tokenizer), embedding_size=16, hidden_size=16,
                                       num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
                                       max_position_embeddings=32))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.electra = ElectraModel(ElectraConfig(vocab_size=len(tokenizer), embedding_size=16, hidden_size=32,
                                                  num_hidden_layers=2, num_attention_heads=2,
                                                  intermediate_size=64, max_position_embeddings=32))
        self.rtd_head = nn.Linear(32, 2)

    def forward(self, input_ids, attention_mask):
        return self.rtd_head(self.electra(input_ids, attention_mask=attention_mask).last_hidden_state)


disc = Discriminator()
optimizer = torch.optim.AdamW(list(gen.parameters()) + list(disc.parameters()), lr=5e-4)
enc = tokenizer(lines, padding=True, return_tensors="pt")
special = torch.isin(enc.input_ids, torch.tensor(tokenizer.all_special_ids))

for step in range(3):
    masked = (torch.rand(enc.input_ids.shape) < 0.25) & ~special
    gen_input = enc.input_ids.masked_fill(masked, tokenizer.mask_token_id)
    mlm_labels = enc.input_ids.masked_fill(~masked, -100)
    gen_out = gen(input_ids=gen_input, attention_mask=enc.attention_mask, labels=mlm_labels)
    with torch.no_grad():
        sampled = torch.distributions.Categorical(logits=gen_out.logits).sample()
    corrupted = torch.where(masked, sampled, enc.input_ids)
    is_replaced = (corrupted != enc.input_ids).long()

    disc_logits = disc(corrupted, enc.attention_mask)
    rtd_loss = F.cross_entropy(disc_logits, is_replaced)
    loss = gen_out.loss + 50.0 * rtd_loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step}: mlm {gen_out.loss.item():.3f} rtd {rtd_loss.item():.3f}")
