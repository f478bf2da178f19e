"""Last-token pooling for a causal LSTM sentence encoder.

The attention mask comes out of the preprocessing step as float (it is also used
to weight the auxiliary LM loss), and we use it to find each sequence's last token.
"""
import torch
import torch.nn as nn

torch.manual_seed(0)


class LastTokenPooler(nn.Module):
    def __init__(self, vocab_size=300, hidden=64, num_labels=3):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.classifier = nn.Linear(hidden, num_labels)

    def forward(self, input_ids, attention_mask):
        hidden_states, _ = self.lstm(self.embed(input_ids))
        last_index = attention_mask.sum(dim=1).long() - 1
        batch_index = torch.arange(input_ids.size(0))
        pooled = hidden_states[batch_index, last_index]
        return self.classifier(pooled)


def preprocess(lengths, max_len=16):
    input_ids = torch.randint(1, 300, (len(lengths), max_len))
    attention_mask = (torch.arange(max_len)[None, :] < torch.tensor(lengths)[:, None]).float()
    return input_ids * attention_mask.long(), attention_mask


model = LastTokenPooler()
input_ids, attention_mask = preprocess([16, 9, 12, 5])
labels = torch.tensor([0, 2, 1, 1])
logits = model(input_ids, attention_mask)
loss = nn.functional.cross_entropy(logits, labels)
loss.backward()
