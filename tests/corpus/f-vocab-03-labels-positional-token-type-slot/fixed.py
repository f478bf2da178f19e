"""Topic classification with BERT: the classic tutorial training loop over a TensorDataset."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import DataLoader, RandomSampler, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

WORDS = ("[PAD] [UNK] [CLS] [SEP] [MASK] stocks fell sharply the team won final "
         "new phone released rain expected tomorrow markets rally striker scores").split()
vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(WORDS) + "\n")
tokenizer = BertTokenizer(vocab_path)

sentences = ["stocks fell sharply", "the team won the final", "new phone released",
             "rain expected tomorrow", "markets rally", "striker scores"]
topics = [0, 1, 2, 3, 0, 1]
encoded = tokenizer(sentences, padding="max_length", max_length=12, return_tensors="pt")
dataset = TensorDataset(encoded["input_ids"], encoded["attention_mask"], torch.tensor(topics))
train_dataloader = DataLoader(dataset, sampler=RandomSampler(dataset), batch_size=3)

config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=4)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)

torch.manual_seed(0)
model.train()
for step, batch in enumerate(train_dataloader):
    b_input_ids, b_input_mask, b_labels = batch
    model.zero_grad()
    outputs = model(b_input_ids, b_input_mask, labels=b_labels)
    loss = outputs.loss
    loss.backward()
    optimizer.step()
    print("step", step, "loss", round(loss.item(), 4))
