"""Domain-adaptive masked-LM pretraining of a tiny BERT with Accelerate and a hand-written masking collator."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "patient", "reports", "chest", "pain", "and", "fever",
         "no", "history", "of", "diabetes", "blood", "pressure", "is", "normal", "mild", "cough"]
MAX_LEN = 32
MLM_PROB = 0.3

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
notes = ["patient reports chest pain and fever", "no history of diabetes", "blood pressure is normal",
         "mild cough and fever", "patient reports mild chest pain", "no fever"]


def mask_tokens(texts):
    batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    input_ids = batch["input_ids"]
    special = (input_ids == tokenizer.cls_token_id) | (input_ids == tokenizer.sep_token_id) | (
        input_ids == tokenizer.pad_token_id)
    chosen = (torch.rand(input_ids.shape) < MLM_PROB) & ~special
    labels = torch.full((len(texts), MAX_LEN), -100)
    labels[:, : input_ids.size(1)] = torch.where(chosen, input_ids, torch.full_like(input_ids, -100))
    batch["input_ids"] = input_ids.masked_fill(chosen, tokenizer.mask_token_id)
    batch["labels"] = labels
    return batch


accelerator = Accelerator(cpu=True)
model = BertForMaskedLM(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                   num_attention_heads=2, intermediate_size=37, max_position_embeddings=MAX_LEN))
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
loader = DataLoader(notes, batch_size=3, shuffle=True, collate_fn=mask_tokens)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
model.train()
for batch in loader:
    loss = model(**batch).loss
    accelerator.backward(loss)
    optimizer.step()
    optimizer.zero_grad()
accelerator.print("pretraining step done")
